package dev.selkie.protocol;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * A strict test-side decoder of server frames, written independently of the production decoder:
 * asserts that frames are unmasked, use no RSV bits and the shortest length encoding.
 */
final class ServerFrames {
    record Frame(boolean fin, int opcode, byte[] payload) {
    }

    private ServerFrames() {
    }

    /** All frames in the buffer's remaining bytes (position unchanged); fails on anything malformed. */
    static List<Frame> parse(ByteBuffer buffer) {
        ByteBuffer b = buffer.duplicate();
        List<Frame> frames = new ArrayList<>();
        while (b.hasRemaining()) {
            int first = b.get() & 0xFF;
            int second = b.get() & 0xFF;
            check((first & 0x70) == 0, "RSV bits set");
            check((second & 0x80) == 0, "server frame masked");
            long len = second & 0x7F;
            if (len == 126) {
                len = b.getShort() & 0xFFFF;
                check(len > 125, "16-bit length not minimal");
            } else if (len == 127) {
                len = b.getLong();
                check(len > 0xFFFF, "64-bit length not minimal");
            }
            check(len <= b.remaining(), "truncated frame");
            byte[] payload = new byte[(int) len];
            b.get(payload);
            frames.add(new Frame((first & 0x80) != 0, first & 0x0F, payload));
        }
        return frames;
    }

    /** Payloads of a message's frames joined, checking the opcode/continuation/FIN sequence. */
    static byte[] reassemble(List<Frame> frames) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (int i = 0; i < frames.size(); i++) {
            Frame f = frames.get(i);
            check(i == 0 ? f.opcode() != Opcode.CONTINUATION : f.opcode() == Opcode.CONTINUATION,
                    "bad opcode sequence");
            check(f.fin() == (i == frames.size() - 1), "FIN only on the last frame");
            out.write(f.payload(), 0, f.payload().length);
        }
        return out.toByteArray();
    }

    private static void check(boolean ok, String what) {
        if (!ok) {
            throw new AssertionError(what);
        }
    }
}
