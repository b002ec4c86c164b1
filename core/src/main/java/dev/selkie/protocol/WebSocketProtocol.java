package dev.selkie.protocol;

import java.nio.ByteBuffer;

/**
 * The server side of one WebSocket connection after the opening handshake: decodes frames in any
 * split, reassembles and validates messages, answers pings, and runs the closing handshake.
 * Single-threaded; no I/O.
 */
public final class WebSocketProtocol {
    /** Connection states of RFC 6455 section 4 and 7 after the handshake. */
    public enum State {
        /** Data flows both ways. */
        OPEN,
        /** A close frame was sent or received, but not both. */
        CLOSING,
        /** Close frames were sent and received, or the protocol failed: close TCP. */
        CLOSED
    }

    /**
     * @param maxMessageSize the largest message accepted, in bytes (1009 beyond it)
     * @param handler receives events and outgoing frames
     */
    public WebSocketProtocol(int maxMessageSize, ProtocolHandler handler) {
        throw new UnsupportedOperationException("skeleton");
    }

    /**
     * Consumes every byte in {@code in} (position moves to limit), keeping any partial frame
     * internally, and reports complete messages and control frames to the handler. May unmask in
     * place, so {@code in} must be writable scratch space of the caller. After CLOSED, bytes are
     * ignored.
     */
    public void receive(ByteBuffer in) {
        throw new UnsupportedOperationException("skeleton");
    }

    /**
     * Starts the closing handshake from this side: passes a close frame to the handler's {@link
     * ProtocolHandler#sendFrame(ByteBuffer)} and moves to CLOSING (or CLOSED if the peer's close
     * had arrived). Data frames received afterwards are dropped.
     *
     * @return false if a close frame was already sent (nothing is done)
     */
    public boolean close(int code, String reason) {
        throw new UnsupportedOperationException("skeleton");
    }

    /** The current state. */
    public State state() {
        throw new UnsupportedOperationException("skeleton");
    }

    /** Whether this side sent a close frame. */
    public boolean closeSent() {
        throw new UnsupportedOperationException("skeleton");
    }

    /** Whether the peer's close frame arrived. */
    public boolean closeReceived() {
        throw new UnsupportedOperationException("skeleton");
    }
}
