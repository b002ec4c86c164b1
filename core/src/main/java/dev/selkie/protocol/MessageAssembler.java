package dev.selkie.protocol;

import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * Collects the unmasked payload of a message that arrives in several frames or reads. The buffer
 * grows geometrically as bytes actually arrive, never beyond the size the current frame declares
 * (which the frame decoder has already checked against the maximum message size) and never beyond
 * twice the bytes received, so a peer that declares a huge frame and sends little costs little
 * memory. Once half of the frame is at hand the buffer takes the frame's full size, so a frame split
 * over two reads is copied once.
 */
final class MessageAssembler {
    private static final byte[] EMPTY = new byte[0];
    /** Smallest growth step, so that a message arriving in tiny chunks is not copied at every chunk. */
    private static final int MIN_GROWTH = 512;

    private byte[] buf = EMPTY;
    private int size;
    private int opcode;

    /** Starts a message of this opcode (text or binary), dropping any previous content. */
    void start(int messageOpcode) {
        opcode = messageOpcode;
        size = 0;
        if (buf.length > 0) {
            buf = EMPTY;
        }
    }

    /**
     * Appends {@code len} masked bytes of {@code src} from absolute index {@code index}, unmasking
     * them with {@code key} (already rotated to their offset in the frame).
     *
     * @param frameEnd the message size once the current frame is complete: the buffer never grows
     *     beyond it
     */
    void append(ByteBuffer src, int index, int len, int key, long frameEnd) {
        ensure(len, frameEnd);
        Masking.unmask(src, index, buf, size, len, key);
        size += len;
    }

    private void ensure(int len, long frameEnd) {
        int needed = size + len;
        if (needed <= buf.length) {
            return;
        }
        long grown = Math.max(needed, Math.max((long) buf.length * 2, MIN_GROWTH));
        if (2L * needed >= frameEnd) {
            grown = frameEnd; // half the frame is here: take all of it now rather than copy again for the rest
        }
        buf = Arrays.copyOf(buf, (int) Math.min(grown, Math.max(frameEnd, needed)));
    }

    /** The opcode of the message being assembled. */
    int opcode() {
        return opcode;
    }

    /** Bytes collected so far. */
    int size() {
        return size;
    }

    /** The buffer holding the collected bytes at {@code [0, size)}. */
    byte[] array() {
        return buf;
    }

    /** Capacity of the buffer, for tests that watch memory. */
    int capacity() {
        return buf.length;
    }

    /**
     * Hands over the collected bytes as an exactly-sized array (the buffer itself when it is full,
     * which is the rule because growth stops at the declared frame end) and forgets them.
     */
    byte[] take() {
        byte[] out = buf.length == size ? buf : Arrays.copyOf(buf, size);
        buf = EMPTY;
        size = 0;
        return out;
    }

    /** Forgets the message and its buffer. */
    void release() {
        buf = EMPTY;
        size = 0;
    }
}
