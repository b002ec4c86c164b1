package dev.selkie.protocol;

import java.nio.ByteBuffer;

/**
 * Receives what a {@link WebSocketProtocol} decodes, and the frames it wants sent. Called
 * synchronously from {@link WebSocketProtocol#receive(ByteBuffer)} and {@link
 * WebSocketProtocol#close(int, String)}.
 */
public interface ProtocolHandler {
    /** A complete, valid UTF-8 text message. */
    void onText(String text);

    /** A complete binary message; the buffer is fresh and belongs to the callee. */
    void onBinary(ByteBuffer data);

    /**
     * A ping; its pong has already been passed to {@link #sendFrame(ByteBuffer)} (unless this side
     * had sent a close frame: then no pong is sent).
     */
    void onPing(ByteBuffer payload);

    /** A pong. */
    void onPong(ByteBuffer payload);

    /**
     * The peer's close frame arrived (code 1005 if it carried none). If this side had not sent a
     * close yet, the echo has already been passed to {@link #sendFrame(ByteBuffer)}. The protocol is
     * now {@link WebSocketProtocol.State#CLOSED}: flush and close the TCP connection.
     */
    void onClose(int code, String reason);

    /**
     * The peer broke the protocol (code 1002, 1007 or 1009). A close frame with that code has
     * already been passed to {@link #sendFrame(ByteBuffer)} (unless one was sent before); nothing
     * more will be decoded. Flush and close the TCP connection.
     */
    void onProtocolError(int code, String reason);

    /** Bytes of one or more complete frames to write, in order (pongs, close frames). */
    void sendFrame(ByteBuffer frame);
}
