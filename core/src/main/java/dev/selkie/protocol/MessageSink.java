package dev.selkie.protocol;

import java.util.Arrays;

/**
 * Where an {@link Extension} writes a decoded message: an array that grows as bytes are written,
 * never past the maximum message size, validating text as UTF-8 chunk by chunk. An extension asks
 * for room ({@link #reserve}), writes into {@link #array()} from {@link #size()}, and reports what it
 * wrote ({@link #commit}); a refusal says why in {@link #failure()}.
 */
public final class MessageSink {
    private static final byte[] EMPTY = new byte[0];
    private static final int MIN_CAPACITY = 1024;
    /**
     * Where a message that is delivered straight from the sink is decoded first: one array per
     * thread that decodes (the event loops), so a compressed message of up to 64 KiB costs no
     * array of its own beyond what the listener is handed.
     */
    private static final int SCRATCH_SIZE = 64 << 10;
    private static final ThreadLocal<byte[]> SCRATCH = ThreadLocal.withInitial(() -> new byte[SCRATCH_SIZE]);

    private final int maxSize;
    private byte[] buf = EMPTY;
    private int size;
    private boolean text;
    private int utf8;
    private int failure;
    private String failureReason;

    MessageSink(int maxSize) {
        this.maxSize = maxSize;
    }

    /**
     * Starts a message; {@code sizeHint} (e.g. the encoded size) sets the first capacity. With
     * {@code scratch} the message is decoded into the thread's scratch array while it fits: then it
     * must be delivered ({@link #take}, or a String made from {@link #array()}) before this thread
     * decodes another message.
     */
    void start(boolean isText, int sizeHint, boolean scratch) {
        text = isText;
        utf8 = Utf8Validator.ACCEPT;
        size = 0;
        failure = 0;
        failureReason = null;
        buf = scratch ? SCRATCH.get()
                : new byte[(int) Math.min(maxSize, Math.max(MIN_CAPACITY, 4L * sizeHint))]; // text deflates 3-5x
    }

    /**
     * Makes room for at least {@code min} more bytes (the array may change).
     *
     * @return false if the message would pass the maximum message size (failure 1009)
     */
    public boolean reserve(int min) {
        long needed = (long) size + min;
        if (needed > maxSize) {
            return refuse(CloseStatus.MESSAGE_TOO_BIG, "message larger than the maximum message size");
        }
        if (needed > buf.length) {
            buf = Arrays.copyOf(buf, (int) Math.min(maxSize, Math.max(needed, 2L * buf.length)));
        }
        return true;
    }

    /** The array to write into at {@link #size()}, with {@link #room()} bytes free. */
    public byte[] array() {
        return buf;
    }

    /** Bytes written so far. */
    public int size() {
        return size;
    }

    /** Free bytes after {@link #size()} in {@link #array()}, never past the maximum message size. */
    public int room() {
        return Math.min(buf.length, maxSize) - size;
    }

    /** Whether the message has reached the maximum message size (no room can be had). */
    public boolean full() {
        return size == maxSize;
    }

    /**
     * {@code n} bytes were written at {@link #size()}.
     *
     * @return false if they make the text invalid UTF-8 (failure 1007)
     */
    public boolean commit(int n) {
        if (n < 0 || n > room()) {
            throw new IllegalArgumentException("committed " + n + " bytes with " + room() + " free");
        }
        if (text) {
            utf8 = Utf8Validator.validate(utf8, buf, size, n);
            if (utf8 == Utf8Validator.REJECT) {
                return refuse(CloseStatus.INVALID_PAYLOAD, "invalid UTF-8 in a text message");
            }
        }
        size += n;
        return true;
    }

    /** Copies bytes in: {@link #reserve} and {@link #commit} at once. */
    public boolean write(byte[] src, int off, int len) {
        if (!reserve(len)) {
            return false;
        }
        System.arraycopy(src, off, buf, size, len);
        return commit(len);
    }

    /** Why the last {@link #reserve} or {@link #commit} refused: 1009 or 1007; 0 if none did. */
    public int failure() {
        return failure;
    }

    String failureReason() {
        return failureReason;
    }

    /** After the last byte: whether a text message ends on a character boundary. */
    boolean complete() {
        if (text && utf8 != Utf8Validator.ACCEPT) {
            return refuse(CloseStatus.INVALID_PAYLOAD, "text message ends inside a UTF-8 sequence");
        }
        return true;
    }

    /** Hands over the message as an exactly sized array and forgets it. */
    byte[] take() {
        byte[] out = buf.length == size && buf != SCRATCH.get() ? buf : Arrays.copyOf(buf, size);
        release();
        return out;
    }

    /** Forgets the message and lets go of the array. */
    void release() {
        buf = EMPTY;
        size = 0;
    }

    private boolean refuse(int code, String reason) {
        failure = code;
        failureReason = reason;
        return false;
    }
}
