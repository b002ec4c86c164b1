package dev.selkie.protocol;

import java.nio.ByteBuffer;

/** Encodes server frames: unmasked, with the shortest length encoding (RFC 6455 section 5.2). */
public final class FrameEncoder {
    private FrameEncoder() {
    }

    /** Header size in bytes for a server frame with this payload length (2, 4 or 10). */
    public static int headerSize(long payloadLength) {
        throw new UnsupportedOperationException("skeleton");
    }

    /** Writes a server frame header at {@code dst}'s position. */
    public static void writeHeader(ByteBuffer dst, boolean fin, int opcode, long payloadLength) {
        throw new UnsupportedOperationException("skeleton");
    }

    /**
     * One complete frame (header + copy of {@code payload}'s remaining bytes) in a new buffer ready
     * to read; {@code payload}'s position is not changed.
     */
    public static ByteBuffer frame(int opcode, boolean fin, ByteBuffer payload) {
        throw new UnsupportedOperationException("skeleton");
    }

    /**
     * A whole message as one buffer holding one frame, or, if {@code fragmentSize > 0} and the
     * payload is larger, consecutive frames (first with {@code opcode}, then continuations, FIN on
     * the last) of at most {@code fragmentSize} payload bytes each.
     */
    public static ByteBuffer message(int opcode, ByteBuffer payload, int fragmentSize) {
        throw new UnsupportedOperationException("skeleton");
    }

    /** A text message frame (UTF-8). */
    public static ByteBuffer text(String text, int fragmentSize) {
        throw new UnsupportedOperationException("skeleton");
    }

    /** A close frame; {@code code} 0 means no status code (empty payload). Reason truncated never: must fit 123 bytes. */
    public static ByteBuffer close(int code, String reason) {
        throw new UnsupportedOperationException("skeleton");
    }
}
