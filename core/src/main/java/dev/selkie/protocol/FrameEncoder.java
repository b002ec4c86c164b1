package dev.selkie.protocol;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * Encodes frames with the shortest length encoding (RFC 6455 section 5.2): a server's frames
 * unmasked (every method but {@link #masked}), a client's masked with a key of the caller's.
 *
 * <p>Every method builds its result in one heap buffer, writing each header and payload byte once.
 * A message that an extension encoded carries the extension's RSV bits on its first frame ({@link
 * #message(int, ByteBuffer, int, int)}).
 */
public final class FrameEncoder {
    /** The largest close reason in UTF-8 bytes: a control payload holds 125 bytes, 2 are the code. */
    public static final int MAX_CLOSE_REASON_BYTES = 123;
    private static final byte[] NO_BYTES = new byte[0];

    private FrameEncoder() {
    }

    /** Header size in bytes for a server frame with this payload length (2, 4 or 10). */
    public static int headerSize(long payloadLength) {
        if (payloadLength < 0) {
            throw new IllegalArgumentException("negative payload length " + payloadLength);
        }
        return payloadLength <= 125 ? 2 : payloadLength <= 0xFFFF ? 4 : 10;
    }

    /** Writes a server frame header at {@code dst}'s position. */
    public static void writeHeader(ByteBuffer dst, boolean fin, int opcode, long payloadLength) {
        writeHeader(dst, fin, 0, opcode, payloadLength);
    }

    /** Writes a server frame header with RSV bits ({@code 0x70} of the first byte) at {@code dst}'s position. */
    public static void writeHeader(ByteBuffer dst, boolean fin, int rsv, int opcode, long payloadLength) {
        int first = (fin ? 0x80 : 0) | (rsv & 0x70) | checkOpcode(opcode);
        if (payloadLength < 0) {
            throw new IllegalArgumentException("negative payload length " + payloadLength);
        } else if (payloadLength <= 125) {
            dst.put((byte) first).put((byte) payloadLength);
        } else if (payloadLength <= 0xFFFF) {
            dst.put((byte) first).put((byte) 126).putShort((short) payloadLength);
        } else {
            dst.put((byte) first).put((byte) 127).putLong(payloadLength);
        }
    }

    /**
     * One complete frame (header + copy of {@code payload}'s remaining bytes) in a new buffer ready
     * to read; {@code payload}'s position is not changed.
     */
    public static ByteBuffer frame(int opcode, boolean fin, ByteBuffer payload) {
        return frame(opcode, fin, 0, payload);
    }

    /** As {@link #frame(int, boolean, ByteBuffer)}, with RSV bits ({@code 0x70} of the first byte). */
    public static ByteBuffer frame(int opcode, boolean fin, int rsv, ByteBuffer payload) {
        int len = payload.remaining();
        if (Opcode.isControl(opcode) && (len > 125 || !fin)) {
            throw new IllegalArgumentException("control frames carry at most 125 bytes and are never fragmented");
        }
        ByteBuffer out = ByteBuffer.allocate(headerSize(len) + len);
        writeHeader(out, fin, rsv, opcode, len);
        out.put(out.position(), payload, payload.position(), len);
        return out.position(out.capacity()).flip();
    }

    /**
     * A whole message as one buffer holding one frame, or, if {@code fragmentSize > 0} and the
     * payload is larger, consecutive frames (first with {@code opcode}, then continuations, FIN on
     * the last) of at most {@code fragmentSize} payload bytes each.
     */
    public static ByteBuffer message(int opcode, ByteBuffer payload, int fragmentSize) {
        return message(opcode, payload, fragmentSize, 0);
    }

    /**
     * As {@link #message(int, ByteBuffer, int)}, with {@code rsv} (bits {@code 0x70}) set on the
     * first frame: a message an extension encoded (RFC 7692 section 6: RSV1 on the first frame only).
     */
    public static ByteBuffer message(int opcode, ByteBuffer payload, int fragmentSize, int rsv) {
        int len = payload.remaining();
        if (Opcode.isControl(opcode) && (rsv != 0 || (fragmentSize > 0 && len > fragmentSize))) {
            throw new IllegalArgumentException("control frames are never fragmented nor encoded by extensions");
        }
        if (fragmentSize <= 0 || len <= fragmentSize) {
            return frame(opcode, true, rsv, payload);
        }
        ByteBuffer out = ByteBuffer.allocate(fragmentedSize(len, fragmentSize));
        int src = payload.position();
        int done = 0;
        while (done < len) {
            int n = Math.min(fragmentSize, len - done);
            writeHeader(out, done + n == len, done == 0 ? rsv : 0, done == 0 ? opcode : Opcode.CONTINUATION, n);
            out.put(out.position(), payload, src + done, n);
            out.position(out.position() + n);
            done += n;
        }
        return out.flip();
    }

    /** A text message frame (UTF-8), fragmented like {@link #message(int, ByteBuffer, int)}. */
    public static ByteBuffer text(String text, int fragmentSize) {
        int len = utf8Length(text);
        boolean ascii = len == text.length();
        if (fragmentSize <= 0 || len <= fragmentSize) {
            int header = headerSize(len);
            byte[] out = new byte[header + len];
            writeHeader(ByteBuffer.wrap(out), true, Opcode.TEXT, len);
            if (ascii) {
                copyAscii(text, 0, len, out, header);
            } else {
                new Utf8Writer(out, header, len, 0).write(text);
            }
            return ByteBuffer.wrap(out);
        }
        byte[] out = new byte[fragmentedSize(len, fragmentSize)];
        if (ascii) {
            ByteBuffer headers = ByteBuffer.wrap(out);
            int done = 0;
            while (done < len) {
                int n = Math.min(fragmentSize, len - done);
                writeHeader(headers, done + n == len, done == 0 ? Opcode.TEXT : Opcode.CONTINUATION, n);
                copyAscii(text, done, n, out, headers.position());
                headers.position(headers.position() + n);
                done += n;
            }
        } else {
            new Utf8Writer(out, 0, len, fragmentSize).write(text);
        }
        return ByteBuffer.wrap(out);
    }

    /**
     * The UTF-8 length of {@code text} as {@link #text} and {@link #writeText} encode it (a lone
     * surrogate becomes one {@code '?'}).
     */
    public static int textLength(String text) {
        return utf8Length(text);
    }

    /**
     * Writes one unfragmented text frame of {@code text} into {@code dst} at {@code at}, for callers
     * that encode into a buffer of their own.
     *
     * @param utf8Length {@link #textLength(String) textLength(text)}, which the caller needed anyway
     *     to find room for the frame
     * @return the frame's size: {@code headerSize(utf8Length) + utf8Length}
     */
    public static int writeText(String text, int utf8Length, byte[] dst, int at) {
        int header = writeHeader(dst, at, Opcode.TEXT, utf8Length);
        if (utf8Length == text.length()) {
            copyAscii(text, 0, utf8Length, dst, at + header);
        } else {
            new Utf8Writer(dst, at + header, utf8Length, 0).write(text);
        }
        return header + utf8Length;
    }

    /**
     * Writes one unfragmented data frame carrying {@code payload}'s remaining bytes into {@code dst}
     * at {@code at}; {@code payload}'s position is not changed.
     *
     * @return the frame's size: {@code headerSize(payload.remaining()) + payload.remaining()}
     */
    public static int writeFrame(int opcode, ByteBuffer payload, byte[] dst, int at) {
        return writeFrame(opcode, 0, payload, dst, at);
    }

    /** As {@link #writeFrame(int, ByteBuffer, byte[], int)}, with RSV bits ({@code 0x70} at most) set. */
    public static int writeFrame(int opcode, int rsv, ByteBuffer payload, byte[] dst, int at) {
        int len = payload.remaining();
        if (Opcode.isControl(opcode) && len > 125) {
            throw new IllegalArgumentException("control frames carry at most 125 bytes");
        }
        if ((rsv & ~0x70) != 0) {
            throw new IllegalArgumentException("RSV bits are 0x40, 0x20 and 0x10: " + rsv);
        }
        int header = writeHeader(dst, at, opcode, len);
        dst[at] |= (byte) rsv;
        payload.get(payload.position(), dst, at + header, len);
        return header + len;
    }

    /** A FIN frame header into an array; returns its size. */
    private static int writeHeader(byte[] dst, int at, int opcode, int len) {
        dst[at] = (byte) (0x80 | checkOpcode(opcode));
        if (len <= 125) {
            dst[at + 1] = (byte) len;
            return 2;
        }
        if (len <= 0xFFFF) {
            dst[at + 1] = 126;
            dst[at + 2] = (byte) (len >>> 8);
            dst[at + 3] = (byte) len;
            return 4;
        }
        dst[at + 1] = 127;
        long l = len;
        for (int i = 0; i < 8; i++) {
            dst[at + 2 + i] = (byte) (l >>> (56 - 8 * i));
        }
        return 10;
    }

    /**
     * A close frame; {@code code} 0 means no status code (empty payload, and then the reason must be
     * empty). The reason is never truncated: it must fit {@value #MAX_CLOSE_REASON_BYTES} UTF-8
     * bytes.
     *
     * @throws IllegalArgumentException if the code may not be sent ({@link CloseStatus#isValidOnWire})
     *     or the reason is too long
     */
    public static ByteBuffer close(int code, String reason) {
        byte[] reasonBytes = checkClose(code, reason);
        if (code == 0) {
            return ByteBuffer.wrap(new byte[] {(byte) (0x80 | Opcode.CLOSE), 0});
        }
        int len = 2 + reasonBytes.length;
        ByteBuffer out = ByteBuffer.allocate(2 + len);
        out.put((byte) (0x80 | Opcode.CLOSE)).put((byte) len).putShort((short) code).put(reasonBytes);
        return out.flip();
    }

    /**
     * One masked frame as a client sends it (RFC 6455 section 5.3): the payload's remaining bytes
     * XORed with {@code maskKey} (big-endian: its most significant byte masks payload byte 0), which
     * the caller draws fresh for every frame from a strong source of randomness.
     */
    public static ByteBuffer masked(int opcode, boolean fin, int rsv, ByteBuffer payload, int maskKey) {
        int len = payload.remaining();
        if (Opcode.isControl(opcode) && (len > 125 || !fin)) {
            throw new IllegalArgumentException("control frames carry at most 125 bytes and are never fragmented");
        }
        int header = headerSize(len);
        ByteBuffer out = ByteBuffer.allocate(header + 4 + len);
        writeHeader(out, fin, rsv, opcode, len);
        out.put(1, (byte) (out.get(1) | 0x80));
        out.putInt(maskKey);
        byte[] masked = out.array();
        payload.get(payload.position(), masked, header + 4, len);
        Masking.unmask(masked, header + 4, masked, header + 4, len, maskKey); // XOR both ways
        return out.position(out.capacity()).flip();
    }

    /** The payload of a close frame: the code (0: none, then the reason must be empty) and the reason in UTF-8. */
    public static ByteBuffer closePayload(int code, String reason) {
        ByteBuffer frame = close(code, reason);
        return frame.position(2).slice();
    }

    /**
     * Checks that a close frame with this code and reason may be sent (see {@link #close}).
     *
     * @return the reason in UTF-8
     * @throws IllegalArgumentException if it may not
     */
    public static byte[] checkClose(int code, String reason) {
        String why = reason == null ? "" : reason;
        if (code == 0) {
            if (!why.isEmpty()) {
                throw new IllegalArgumentException("a close reason needs a status code");
            }
            return NO_BYTES;
        }
        if (!CloseStatus.isValidOnWire(code)) {
            throw new IllegalArgumentException("close code " + code + " may not be sent");
        }
        byte[] reasonBytes = why.getBytes(StandardCharsets.UTF_8);
        if (reasonBytes.length > MAX_CLOSE_REASON_BYTES) {
            throw new IllegalArgumentException("close reason of " + reasonBytes.length + " bytes exceeds "
                    + MAX_CLOSE_REASON_BYTES);
        }
        return reasonBytes;
    }

    /** Bytes of a message of {@code len} payload bytes cut into frames of {@code fragmentSize}. */
    private static int fragmentedSize(int len, int fragmentSize) {
        int full = len / fragmentSize;
        int rest = len % fragmentSize;
        long size = (long) full * (headerSize(fragmentSize) + fragmentSize) + (rest == 0 ? 0 : headerSize(rest) + rest);
        if (size > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("message too large for one buffer: " + size);
        }
        return (int) size;
    }

    private static int checkOpcode(int opcode) {
        if (opcode < 0 || opcode > 0xF || Opcode.isReserved(opcode)) {
            throw new IllegalArgumentException("not a frame opcode: " + opcode);
        }
        return opcode;
    }

    @SuppressWarnings("deprecation") // String.getBytes(int, int, byte[], int): low 8 bits per char, no copy
    private static void copyAscii(String s, int from, int count, byte[] dst, int at) {
        s.getBytes(from, from + count, dst, at);
    }

    /** UTF-8 length of a string as {@link String#getBytes} encodes it (a lone surrogate is one '?'). */
    static int utf8Length(String s) {
        int n = s.length();
        long len = n;
        for (int i = 0; i < n; i++) {
            char c = s.charAt(i);
            if (c >= 0x80) {
                if (c < 0x800) {
                    len += 1;
                } else if (Character.isHighSurrogate(c) && i + 1 < n && Character.isLowSurrogate(s.charAt(i + 1))) {
                    len += 2; // 4 bytes for the pair of 2 chars
                    i++;
                } else if (!Character.isSurrogate(c)) {
                    len += 2;
                }
            }
        }
        if (len > Integer.MAX_VALUE - 16) {
            throw new IllegalArgumentException("text too large: " + len + " UTF-8 bytes");
        }
        return (int) len;
    }

    /**
     * Encodes chars as UTF-8 into an array, inserting a frame header whenever a fragment of {@code
     * fragmentSize} payload bytes is full (a character may span two fragments; the receiver
     * validates UTF-8 per message). With fragment size 0 it writes the payload only.
     */
    private static final class Utf8Writer {
        private final byte[] out;
        private final int total;
        private final int fragmentSize;
        private int pos;
        private int written;
        private int fragmentEnd;

        Utf8Writer(byte[] out, int pos, int total, int fragmentSize) {
            this.out = out;
            this.pos = pos;
            this.total = total;
            this.fragmentSize = fragmentSize;
            this.fragmentEnd = fragmentSize > 0 ? 0 : Integer.MAX_VALUE;
        }

        void write(String s) {
            int n = s.length();
            for (int i = 0; i < n; i++) {
                char c = s.charAt(i);
                if (c < 0x80) {
                    put(c);
                } else if (c < 0x800) {
                    put(0xC0 | (c >> 6));
                    put(0x80 | (c & 0x3F));
                } else if (Character.isHighSurrogate(c) && i + 1 < n && Character.isLowSurrogate(s.charAt(i + 1))) {
                    int cp = Character.toCodePoint(c, s.charAt(++i));
                    put(0xF0 | (cp >> 18));
                    put(0x80 | ((cp >> 12) & 0x3F));
                    put(0x80 | ((cp >> 6) & 0x3F));
                    put(0x80 | (cp & 0x3F));
                } else if (Character.isSurrogate(c)) {
                    put('?');
                } else {
                    put(0xE0 | (c >> 12));
                    put(0x80 | ((c >> 6) & 0x3F));
                    put(0x80 | (c & 0x3F));
                }
            }
        }

        private void put(int b) {
            if (written == fragmentEnd) {
                startFragment();
            }
            out[pos++] = (byte) b;
            written++;
        }

        private void startFragment() {
            int n = Math.min(fragmentSize, total - written);
            ByteBuffer header = ByteBuffer.wrap(out, pos, out.length - pos);
            writeHeader(header, written + n == total, written == 0 ? Opcode.TEXT : Opcode.CONTINUATION, n);
            pos = header.position();
            fragmentEnd = written + n;
        }
    }
}
