package dev.selkie;

import java.nio.ByteBuffer;

/**
 * Receives the events of every connection of a {@link WebSocketServer}.
 *
 * <p><b>Threading:</b> by default every method runs on the connection's event-loop thread and must
 * not block, since the loop serves many connections. With
 * {@link WebSocketServer.Builder#executor(java.util.concurrent.Executor)} the calls run on that
 * executor instead, still one at a time and in order for each connection. An exception thrown here
 * is logged and reported to {@link #onError}; it never affects other connections.
 *
 * <p>Every method has an empty default, so implement only what you need.
 */
public interface WebSocketListener {
    /** The handshake completed; the connection is open. */
    default void onOpen(WebSocket ws) {
    }

    /** A complete, UTF-8-validated text message arrived. */
    default void onText(WebSocket ws, String text) {
    }

    /** A complete binary message arrived; the buffer belongs to the listener. */
    default void onBinary(WebSocket ws, ByteBuffer data) {
    }

    /** A ping arrived; the server has already answered it with a pong. */
    default void onPing(WebSocket ws, ByteBuffer payload) {
    }

    /** A pong arrived (solicited or not). */
    default void onPong(WebSocket ws, ByteBuffer payload) {
    }

    /**
     * A connection that reported {@link SendResult#BACKPRESSURE} fell back under its low-water mark.
     */
    default void onDrain(WebSocket ws) {
    }

    /**
     * The connection closed. Called exactly once per opened connection.
     *
     * @param code the peer's code if it closed first (1005 if its close frame had no code); the code
     *     this side sent if it closed first (by {@link WebSocket#close}, the idle timeout, a slow
     *     consumer, a protocol error or a server stop), also when the peer then never answered; 1006
     *     if the TCP connection dropped without any close frame, including a peer that stopped
     *     answering keep-alive pings
     * @param remote whether the peer initiated the close
     */
    default void onClose(WebSocket ws, int code, String reason, boolean remote) {
    }

    /** Something went wrong with this connection, including exceptions thrown by this listener. */
    default void onError(WebSocket ws, Throwable error) {
    }
}
