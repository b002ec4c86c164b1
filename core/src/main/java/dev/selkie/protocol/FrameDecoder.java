package dev.selkie.protocol;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Incremental parser of frame headers (RFC 6455 section 5.2), one byte per step, validating each
 * byte as it arrives: a violation is reported by the byte that causes it, without waiting for the
 * rest of the header. Partial headers live in a few fields (the extended length and the mask key
 * are accumulated byte by byte), so input may be split anywhere. Its {@link Role} says whether
 * frames must be masked (a server's decoder) or must not be (a client's).
 *
 * <p>The payload is left to the caller: after {@link #readHeader} returns {@link #HEADER_DONE} the
 * step is {@link Step#PAYLOAD} until the caller has consumed {@link #length()} bytes and calls
 * {@link #nextFrame()}.
 */
final class FrameDecoder {
    /** Where the decoder is within a frame. */
    enum Step {
        /** FIN, RSV1-3 and opcode. */
        FIRST_BYTE,
        /** MASK bit and the 7-bit length. */
        LENGTH_BYTE,
        /** The 2 or 8 bytes of an extended length. */
        EXTENDED_LENGTH,
        /** The 4 bytes of the masking key. */
        MASK_KEY,
        /** The header is complete; the caller consumes the payload. */
        PAYLOAD,
        /** A violation was found; nothing more is decoded. */
        FAILED
    }

    /** {@link #readHeader} consumed all input and the header is not complete yet. */
    static final int NEED_MORE = 0;
    /** {@link #readHeader} completed a header; the payload follows at the buffer's position. */
    static final int HEADER_DONE = 1;
    /** {@link #readHeader} found a violation: see {@link #errorCode()} and {@link #errorReason()}. */
    static final int FAILED = 2;

    private final boolean masked;
    private Step step = Step.FIRST_BYTE;
    /** RSV bits (0x70 of the first byte) an extension allows on the first frame of a data message. */
    private int allowedRsv;
    /** Whether a data message was started with FIN=0 and awaits continuations. */
    private boolean fragmentOpen;
    /** The largest payload length a data frame may declare. */
    private long budget = Long.MAX_VALUE;

    private boolean fin;
    private int rsv;
    private int opcode;
    private long length;
    private int maskKey;
    private int pending;

    private int errorCode;
    private String errorReason;

    /** A decoder for frames arriving at {@code role}. */
    FrameDecoder(Role role) {
        this.masked = role.receivesMasked();
    }

    /**
     * Lets negotiated extensions (permessage-deflate: {@code 0x40}) use RSV bits on the first frame of
     * a data message; anywhere else, and bits no extension claimed, stay a protocol error.
     */
    void allowRsv(int bits) {
        allowedRsv = bits & 0x70;
    }

    /** The largest payload length a data frame may declare from now on; larger ones fail with 1009. */
    void budget(long maxDataPayload) {
        budget = maxDataPayload;
    }

    /**
     * Reads header bytes from {@code in}'s position until the header is complete ({@link
     * #HEADER_DONE}), the input ends ({@link #NEED_MORE}) or a byte breaks a rule ({@link #FAILED});
     * the position moves past the bytes read.
     */
    int readHeader(ByteBuffer in) {
        int pos = in.position();
        int limit = in.limit();
        if (step == Step.FIRST_BYTE && limit - pos >= (masked ? 6 : 2) && (in.get(pos + 1) & 0x7F) < 126) {
            return shortHeader(in, pos);
        }
        try {
            while (pos < limit) {
                int b = in.get(pos++) & 0xFF;
                boolean ok = switch (step) {
                    case FIRST_BYTE -> firstByte(b);
                    case LENGTH_BYTE -> lengthByte(b);
                    case EXTENDED_LENGTH -> extendedLengthByte(b);
                    case MASK_KEY -> maskKeyByte(b);
                    case PAYLOAD, FAILED -> throw new IllegalStateException("no header expected in step " + step);
                };
                if (!ok) {
                    return FAILED;
                }
                if (step == Step.PAYLOAD) {
                    return HEADER_DONE;
                }
            }
            return NEED_MORE;
        } finally {
            in.position(pos);
        }
    }

    /**
     * The common case of a frame with a 7-bit length whose header (6 bytes masked, 2 unmasked) is all
     * in the buffer: the same checks as byte by byte, and the mask key read at once.
     */
    private int shortHeader(ByteBuffer in, int pos) {
        if (!firstByte(in.get(pos) & 0xFF)) {
            in.position(pos + 1);
            return FAILED;
        }
        if (!lengthByte(in.get(pos + 1) & 0xFF)) {
            in.position(pos + 2);
            return FAILED;
        }
        if (!masked) {
            in.position(pos + 2);
            return HEADER_DONE;
        }
        int key = in.getInt(pos + 2);
        maskKey = in.order() == ByteOrder.BIG_ENDIAN ? key : Integer.reverseBytes(key);
        step = Step.PAYLOAD;
        in.position(pos + 6);
        return HEADER_DONE;
    }

    private boolean firstByte(int b) {
        fin = (b & 0x80) != 0;
        rsv = b & 0x70;
        opcode = b & 0x0F;
        if (Opcode.isReserved(opcode)) {
            return fail(CloseStatus.PROTOCOL_ERROR, "reserved opcode " + opcode);
        }
        boolean control = Opcode.isControl(opcode);
        int permittedRsv = opcode == Opcode.TEXT || opcode == Opcode.BINARY ? allowedRsv : 0;
        if ((rsv & ~permittedRsv) != 0) {
            return fail(CloseStatus.PROTOCOL_ERROR, "reserved bits set without an extension");
        }
        if (control) {
            if (!fin) {
                return fail(CloseStatus.PROTOCOL_ERROR, "fragmented control frame");
            }
        } else if (opcode == Opcode.CONTINUATION) {
            if (!fragmentOpen) {
                return fail(CloseStatus.PROTOCOL_ERROR, "continuation frame without a message to continue");
            }
            fragmentOpen = !fin;
        } else {
            if (fragmentOpen) {
                return fail(CloseStatus.PROTOCOL_ERROR, "new message inside a fragmented message");
            }
            fragmentOpen = !fin;
        }
        step = Step.LENGTH_BYTE;
        return true;
    }

    private boolean lengthByte(int b) {
        if (((b & 0x80) != 0) != masked) {
            return fail(CloseStatus.PROTOCOL_ERROR, masked ? "client frame not masked" : "server frame masked");
        }
        int len7 = b & 0x7F;
        if (Opcode.isControl(opcode) && len7 > 125) {
            return fail(CloseStatus.PROTOCOL_ERROR, "control frame payload over 125 bytes");
        }
        length = 0;
        if (len7 == 126) {
            pending = 2;
            step = Step.EXTENDED_LENGTH;
            return true;
        } else if (len7 == 127) {
            pending = 8;
            step = Step.EXTENDED_LENGTH;
            return true;
        }
        length = len7;
        return lengthKnown();
    }

    private boolean extendedLengthByte(int b) {
        if (pending == 8 && (b & 0x80) != 0) {
            return fail(CloseStatus.PROTOCOL_ERROR, "64-bit payload length with the most significant bit set");
        }
        length = (length << 8) | b;
        pending--;
        // the length can only grow with the bytes still to come: fail as soon as it must exceed the budget
        if (!Opcode.isControl(opcode) && (length << (pending << 3)) > budget) {
            return tooBig();
        }
        return pending > 0 || lengthKnown();
    }

    private boolean lengthKnown() {
        if (!Opcode.isControl(opcode) && length > budget) {
            return tooBig();
        }
        maskKey = 0;
        if (masked) {
            pending = 4;
            step = Step.MASK_KEY;
        } else {
            step = Step.PAYLOAD; // key 0: unmasking leaves the bytes as they are
        }
        return true;
    }

    private boolean tooBig() {
        return fail(CloseStatus.MESSAGE_TOO_BIG, "message larger than the maximum message size");
    }

    private boolean maskKeyByte(int b) {
        maskKey = (maskKey << 8) | b;
        if (--pending == 0) {
            step = Step.PAYLOAD;
        }
        return true;
    }

    private boolean fail(int code, String reason) {
        errorCode = code;
        errorReason = reason;
        step = Step.FAILED;
        return false;
    }

    /** After the current frame's payload was consumed: expect the next header. */
    void nextFrame() {
        if (step != Step.FAILED) {
            step = Step.FIRST_BYTE;
        }
    }

    /** Stops decoding for good (the connection failed or closed). */
    void stop() {
        step = Step.FAILED;
    }

    Step step() {
        return step;
    }

    boolean fin() {
        return fin;
    }

    /** RSV bits (0x70 of the first byte) of the current frame. */
    int rsv() {
        return rsv;
    }

    int opcode() {
        return opcode;
    }

    /** Payload length of the current frame. */
    long length() {
        return length;
    }

    /**
     * Masking key of the current frame, big-endian (the first key byte is the most significant); 0
     * for the unmasked frames a client receives.
     */
    int maskKey() {
        return maskKey;
    }

    /** Whether a fragmented data message is open (its final frame has not started). */
    boolean fragmentOpen() {
        return fragmentOpen;
    }

    int errorCode() {
        return errorCode;
    }

    String errorReason() {
        return errorReason;
    }
}
