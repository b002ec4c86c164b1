package dev.selkie.protocol;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Client-to-server masking (RFC 6455 section 5.3): XOR with a 4-byte key, 8 bytes at a time.
 *
 * <p>The key is a big-endian int whose most significant byte masks payload byte 0. A payload that
 * arrives in chunks continues with the key {@link #rotate rotated} to the chunk's offset in the
 * frame, so every method here starts at phase 0 of the key it is given.
 */
final class Masking {
    private static final VarHandle LONG_BE = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.BIG_ENDIAN);
    private static final VarHandle LONG_LE =
            MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

    private Masking() {
    }

    /** The key as it applies to a chunk starting {@code offset} bytes into the frame's payload. */
    static int rotate(int key, long offset) {
        return Integer.rotateLeft(key, ((int) offset & 3) << 3);
    }

    /**
     * Unmasks {@code len} bytes of {@code src} from absolute index {@code srcIndex} into {@code
     * dst} at {@code dstOffset}, in one pass; {@code src}'s position is not changed.
     */
    static void unmask(ByteBuffer src, int srcIndex, byte[] dst, int dstOffset, int len, int key) {
        if (src.hasArray()) {
            unmask(src.array(), src.arrayOffset() + srcIndex, dst, dstOffset, len, key);
            return;
        }
        boolean bigEndian = src.order() == ByteOrder.BIG_ENDIAN;
        VarHandle view = bigEndian ? LONG_BE : LONG_LE;
        long mask = bigEndian ? wide(key) : Long.reverseBytes(wide(key));
        int i = 0;
        for (int end = len - 7; i < end; i += 8) {
            view.set(dst, dstOffset + i, src.getLong(srcIndex + i) ^ mask);
        }
        for (; i < len; i++) {
            dst[dstOffset + i] = (byte) (src.get(srcIndex + i) ^ keyByte(key, i));
        }
    }

    /** Unmasks {@code len} bytes of {@code src} into {@code dst}; the ranges may be the same. */
    static void unmask(byte[] src, int srcOffset, byte[] dst, int dstOffset, int len, int key) {
        long mask = wide(key);
        int i = 0;
        for (int end = len - 7; i < end; i += 8) {
            LONG_BE.set(dst, dstOffset + i, (long) LONG_BE.get(src, srcOffset + i) ^ mask);
        }
        for (; i < len; i++) {
            dst[dstOffset + i] = (byte) (src[srcOffset + i] ^ keyByte(key, i));
        }
    }

    /** Unmasks {@code len} bytes of {@code buf} in place, starting at absolute index {@code index}. */
    static void unmaskInPlace(ByteBuffer buf, int index, int len, int key) {
        if (buf.hasArray()) {
            int off = buf.arrayOffset() + index;
            unmask(buf.array(), off, buf.array(), off, len, key);
            return;
        }
        long mask = buf.order() == ByteOrder.BIG_ENDIAN ? wide(key) : Long.reverseBytes(wide(key));
        int i = 0;
        for (int end = len - 7; i < end; i += 8) {
            buf.putLong(index + i, buf.getLong(index + i) ^ mask);
        }
        for (; i < len; i++) {
            buf.put(index + i, (byte) (buf.get(index + i) ^ keyByte(key, i)));
        }
    }

    private static long wide(int key) {
        return ((long) key << 32) | (key & 0xFFFF_FFFFL);
    }

    private static int keyByte(int key, int i) {
        return key >>> (24 - ((i & 3) << 3));
    }
}
