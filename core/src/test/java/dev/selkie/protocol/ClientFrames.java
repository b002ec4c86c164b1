package dev.selkie.protocol;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * Builds frames as a client sends them (masked), including broken ones, for tests. Also used by the
 * transport's tests.
 *
 * <pre>{@code
 * byte[] f = ClientFrames.frame(Opcode.TEXT).fin(false).payload("Hel").mask(0x11223344).build();
 * byte[] all = ClientFrames.concat(ClientFrames.text("a"), ClientFrames.close(1000, "bye"));
 * }</pre>
 */
public final class ClientFrames {
    /** How the payload length is written. */
    public enum LengthEncoding {
        /** The shortest of the three forms (what a conforming sender uses). */
        MINIMAL,
        /** The 7-bit field alone (payload length must be at most 125). */
        SEVEN_BIT,
        /** 126 followed by a 16-bit length. */
        SIXTEEN_BIT,
        /** 127 followed by a 64-bit length. */
        SIXTY_FOUR_BIT
    }

    /** Default masking key: non-zero in every byte so that forgetting to unmask shows. */
    public static final int DEFAULT_MASK = 0x37FA213D;

    private final int opcode;
    private boolean fin = true;
    private int rsv;
    private byte[] payload = new byte[0];
    private Integer mask = DEFAULT_MASK;
    private LengthEncoding encoding = LengthEncoding.MINIMAL;
    private Long declaredLength;

    private ClientFrames(int opcode) {
        this.opcode = opcode;
    }

    /** A builder for one frame with this opcode (0-15, reserved ones too). FIN set, masked, empty. */
    public static ClientFrames frame(int opcode) {
        return new ClientFrames(opcode);
    }

    /** Sets the FIN bit. */
    public ClientFrames fin(boolean value) {
        fin = value;
        return this;
    }

    /** RSV bits as in the first byte: 0x40 RSV1, 0x20 RSV2, 0x10 RSV3. */
    public ClientFrames rsv(int bits) {
        rsv = bits & 0x70;
        return this;
    }

    /** The unmasked payload. */
    public ClientFrames payload(byte[] bytes) {
        payload = bytes.clone();
        return this;
    }

    /** The payload as UTF-8. */
    public ClientFrames payload(String text) {
        payload = text.getBytes(StandardCharsets.UTF_8);
        return this;
    }

    /** Masking key, big-endian (first key byte most significant). */
    public ClientFrames mask(int key) {
        mask = key;
        return this;
    }

    /** Sends the frame without MASK bit and key (a protocol error from a client). */
    public ClientFrames unmasked() {
        mask = null;
        return this;
    }

    /** Forces a length encoding (non-minimal encodings are legal). */
    public ClientFrames lengthEncoding(LengthEncoding value) {
        encoding = value;
        return this;
    }

    /** Writes this length in the header instead of the payload's (to declare more than is sent). */
    public ClientFrames declaredLength(long value) {
        declaredLength = value;
        return this;
    }

    /** The frame's bytes. */
    public byte[] build() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write((fin ? 0x80 : 0) | rsv | (opcode & 0x0F));
        long len = declaredLength != null ? declaredLength : payload.length;
        int maskBit = mask != null ? 0x80 : 0;
        LengthEncoding enc = encoding;
        if (enc == LengthEncoding.MINIMAL) {
            enc = len <= 125 ? LengthEncoding.SEVEN_BIT : len <= 0xFFFF ? LengthEncoding.SIXTEEN_BIT
                    : LengthEncoding.SIXTY_FOUR_BIT;
        }
        switch (enc) {
            case SEVEN_BIT -> out.write(maskBit | (int) (len & 0x7F));
            case SIXTEEN_BIT -> {
                out.write(maskBit | 126);
                out.write((int) (len >>> 8) & 0xFF);
                out.write((int) len & 0xFF);
            }
            default -> {
                out.write(maskBit | 127);
                for (int shift = 56; shift >= 0; shift -= 8) {
                    out.write((int) (len >>> shift) & 0xFF);
                }
            }
        }
        if (mask != null) {
            int key = mask;
            for (int shift = 24; shift >= 0; shift -= 8) {
                out.write((key >>> shift) & 0xFF);
            }
            for (int i = 0; i < payload.length; i++) {
                out.write(payload[i] ^ (key >>> (24 - 8 * (i & 3))));
            }
        } else {
            out.write(payload, 0, payload.length);
        }
        return out.toByteArray();
    }

    /** A final masked text frame. */
    public static byte[] text(String text) {
        return frame(Opcode.TEXT).payload(text).build();
    }

    /** A final masked binary frame. */
    public static byte[] binary(byte[] data) {
        return frame(Opcode.BINARY).payload(data).build();
    }

    /** A masked ping. */
    public static byte[] ping(byte[] data) {
        return frame(Opcode.PING).payload(data).build();
    }

    /** A masked pong. */
    public static byte[] pong(byte[] data) {
        return frame(Opcode.PONG).payload(data).build();
    }

    /** A masked close frame with a status code and reason. */
    public static byte[] close(int code, String reason) {
        return frame(Opcode.CLOSE).payload(closePayload(code, reason.getBytes(StandardCharsets.UTF_8))).build();
    }

    /** A masked close frame without payload. */
    public static byte[] closeEmpty() {
        return frame(Opcode.CLOSE).build();
    }

    /** Close payload bytes: 2-byte code and raw reason bytes. */
    public static byte[] closePayload(int code, byte[] reason) {
        byte[] p = new byte[2 + reason.length];
        p[0] = (byte) (code >>> 8);
        p[1] = (byte) code;
        System.arraycopy(reason, 0, p, 2, reason.length);
        return p;
    }

    /** The arrays one after the other. */
    public static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.write(p, 0, p.length);
        }
        return out.toByteArray();
    }

    /** Bytes from hex digits, spaces ignored: {@code hex("ce ba e1")}. */
    public static byte[] hex(String digits) {
        String s = digits.replace(" ", "");
        byte[] out = new byte[s.length() / 2];
        for (int i = 0; i < out.length; i++) {
            out[i] = (byte) Integer.parseInt(s.substring(2 * i, 2 * i + 2), 16);
        }
        return out;
    }
}
