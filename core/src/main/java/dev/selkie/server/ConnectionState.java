package dev.selkie.server;

/**
 * Where the TCP side of one accepted connection is, from the first request byte to the closed
 * socket. The WebSocket closing handshake has states of its own, in the protocol core ({@link
 * dev.selkie.protocol.WebSocketProtocol.State}), and so has the HTTP side ({@link HandshakeStage}).
 *
 * <pre>
 * HANDSHAKE --upgrade accepted--> OPEN --closing handshake done, or failed--+
 *     |                            |                                        |
 *     +--HTTP response-------------+----------------------------------> DRAINING (write what is queued)
 *                                                                           |
 *                                      LINGERING (FIN sent, read to EOF) <--+--> (clean close: at once)
 *                                                    |                            |
 *                                                  CLOSED <-----------------------+
 * </pre>
 */
enum ConnectionState {
    /** The HTTP side: reading the request, deciding, or answering it. */
    HANDSHAKE,
    /** The WebSocket is open (its closing handshake may be under way). */
    OPEN,
    /** The last bytes (an HTTP response or the final close frame) are being written. */
    DRAINING,
    /** FIN sent; reading and discarding until the peer's FIN, so it sees our last bytes and not a reset. */
    LINGERING,
    /** The socket is closed. */
    CLOSED
}
