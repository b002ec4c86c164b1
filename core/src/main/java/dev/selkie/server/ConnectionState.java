package dev.selkie.server;

/**
 * The life of one accepted TCP connection, from the first request byte to the closed socket.
 *
 * <pre>
 * HANDSHAKING --head done, upgrade--> AWAITING_DECISION --accepted--> OPEN --close sent/received--> CLOSING
 *      |                                    |                          |                              |
 *      +--plain HTTP with body--> READING_BODY                         +------------------------------+
 *      |                                    |                                         |
 *      +--error / response------------------+-------------------------------> DRAINING (write what is queued)
 *                                                                                     |
 *                                                                          LINGERING (FIN sent, read to EOF)
 *                                                                                     |
 *                                                                                  CLOSED
 * </pre>
 */
enum ConnectionState {
    /** Reading the HTTP request head. */
    HANDSHAKING,
    /** Reading the body of a plain HTTP request for the {@link dev.selkie.HttpHandler}. */
    READING_BODY,
    /** Waiting for the {@link dev.selkie.HandshakeInterceptor}'s decision; not reading. */
    AWAITING_DECISION,
    /** WebSocket open: data flows both ways. */
    OPEN,
    /** A close frame was sent or received, not both yet. */
    CLOSING,
    /** The last bytes (HTTP response or final close frame) are being written; then FIN. */
    DRAINING,
    /** FIN sent; reading and discarding until the peer's FIN so the peer sees our last bytes, not a reset. */
    LINGERING,
    /** The socket is closed. */
    CLOSED;

    /** Whether the WebSocket handshake completed and the connection is not yet finished at WebSocket level. */
    boolean isWebSocket() {
        return this == OPEN || this == CLOSING;
    }

    /** Whether the opening handshake is still in progress (the handshake timeout applies). */
    boolean isHandshake() {
        return this == HANDSHAKING || this == READING_BODY || this == AWAITING_DECISION;
    }
}
