package dev.selkie.protocol;

import java.nio.ByteBuffer;

/**
 * Receives what a {@link WebSocketProtocol} decodes, and the control frames it wants sent, as typed
 * calls (the handler encodes them for its role: unmasked for a server, masked for a client). Called
 * synchronously from {@link WebSocketProtocol#receive(ByteBuffer)} and {@link
 * WebSocketProtocol#close(int, String)}.
 */
public interface ProtocolHandler {
    /** A complete, valid UTF-8 text message. */
    void onText(String text);

    /** A complete binary message; the buffer is fresh and belongs to the callee. */
    void onBinary(ByteBuffer data);

    /**
     * A ping; its pong has already been asked for with {@link #sendPong} (unless this side had sent
     * a close frame: then no pong is sent).
     */
    void onPing(ByteBuffer payload);

    /** A pong. */
    void onPong(ByteBuffer payload);

    /**
     * The peer's close frame arrived (code 1005 if it carried none). If this side had not sent a
     * close yet, the echo has already been asked for with {@link #sendClose}. The protocol is now
     * {@link WebSocketProtocol.State#CLOSED}: flush and close the TCP connection.
     */
    void onClose(int code, String reason);

    /**
     * The peer broke the protocol (code 1002, 1007 or 1009, or an extension's). A close frame with
     * that code has already been asked for with {@link #sendClose} (unless one was sent before);
     * nothing more will be decoded. Flush and close the TCP connection.
     */
    void onProtocolError(int code, String reason);

    /**
     * Send a pong with this payload (at most 125 bytes), in answer to a ping. The buffer is the
     * protocol's: copy what is needed before returning. RFC 6455 section 5.5.3 allows answering only
     * the most recent of several pings that arrive before the pong could be sent.
     */
    void sendPong(ByteBuffer payload);

    /**
     * Send a close frame: {@code code} 0 for one without a status code (then {@code reason} is
     * empty), else a code {@link CloseStatus#isValidOnWire valid on the wire} and a reason of at most
     * 123 UTF-8 bytes. Nothing may be sent after it.
     */
    void sendClose(int code, String reason);

    /** An extension decoded a message of {@code encodedBytes} into {@code decodedBytes} (for metrics). */
    default void decoded(int encodedBytes, int decodedBytes) {
    }
}
