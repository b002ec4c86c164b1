package dev.selkie.protocol;

import java.nio.ByteBuffer;

/** UTF-8 checks for whole buffers the application hands in (the decoder validates incrementally). */
public final class Utf8 {
    private static final int CHUNK = 4096;

    private Utf8() {
    }

    /** Whether the buffer's remaining bytes are well-formed UTF-8; its position is not changed. */
    public static boolean isValid(ByteBuffer bytes) {
        if (bytes.hasArray()) {
            return Utf8Validator.isValid(bytes.array(), bytes.arrayOffset() + bytes.position(), bytes.remaining());
        }
        byte[] chunk = new byte[Math.min(CHUNK, bytes.remaining())];
        int state = Utf8Validator.ACCEPT;
        for (int at = bytes.position(); at < bytes.limit() && state != Utf8Validator.REJECT; ) {
            int n = Math.min(chunk.length, bytes.limit() - at);
            bytes.get(at, chunk, 0, n);
            state = Utf8Validator.validate(state, chunk, 0, n);
            at += n;
        }
        return state == Utf8Validator.ACCEPT;
    }
}
