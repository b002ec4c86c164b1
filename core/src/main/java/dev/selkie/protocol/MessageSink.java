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

    /** Starts a message; {@code sizeHint} (e.g. the encoded size) sets the first capacity. */
    void start(boolean isText, int sizeHint) {
        text = isText;
        utf8 = Utf8Validator.ACCEPT;
        size = 0;
        failure = 0;
        failureReason = null;
        buf = new byte[(int) Math.min(maxSize, Math.max(MIN_CAPACITY, 2L * sizeHint))];
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

    /** Free bytes after {@link #size()} in {@link #array()}. */
    public int room() {
        return buf.length - size;
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
        byte[] out = buf.length == size ? buf : Arrays.copyOf(buf, size);
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
