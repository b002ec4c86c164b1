package dev.selkie.protocol;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * The tests' one decoder of server frames: the protocol core's own frame decoder in the client
 * {@link Role} (so a masked server frame, RSV bits no extension claimed, a reserved opcode or a
 * fragmented or oversized control frame fail the test), plus the checks a receiver need not make
 * but our server must pass: the shortest length encoding.
 */
public final class ServerFrames {
    /**
     * One frame as the server sent it.
     *
     * @param rsv the RSV bits as in the first byte ({@code 0x40} RSV1)
     */
    public record Frame(boolean fin, int rsv, int opcode, byte[] payload) {
        /** The payload as UTF-8. */
        public String text() {
            return new String(payload, java.nio.charset.StandardCharsets.UTF_8);
        }

        /** The close code of a close frame (1005 if it has none). */
        public int closeCode() {
            return payload.length >= 2 ? ((payload[0] & 0xFF) << 8) | (payload[1] & 0xFF) : 1005;
        }

        /** The close reason of a close frame. */
        public String closeReason() {
            return payload.length > 2 ? new String(payload, 2, payload.length - 2,
                    java.nio.charset.StandardCharsets.UTF_8) : "";
        }
    }

    private ServerFrames() {
    }

    /** All frames in the buffer's remaining bytes (position unchanged); fails on anything malformed or incomplete. */
    public static List<Frame> parse(ByteBuffer buffer) {
        Reader reader = new Reader(0);
        List<Frame> frames = reader.feed(buffer.duplicate());
        check(!reader.inFrame(), "truncated frame");
        return frames;
    }

    /** Payloads of a message's frames joined, checking the opcode/continuation/FIN sequence. */
    public static byte[] reassemble(List<Frame> frames) {
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

    /** Decodes server frames from bytes fed in any split, keeping a partial frame between feeds. */
    public static final class Reader {
        private final FrameDecoder decoder = new FrameDecoder(Role.CLIENT);
        private ByteArrayOutputStream payload;
        private long remaining;
        private int headerBytes;

        /** @param rsvBits RSV bits negotiated extensions may set (0: none) */
        public Reader(int rsvBits) {
            decoder.allowRsv(rsvBits);
        }

        /** Consumes all of {@code in}; returns the frames it completed, in order. */
        public List<Frame> feed(ByteBuffer in) {
            List<Frame> frames = new ArrayList<>();
            while (in.hasRemaining()) {
                if (payload == null) {
                    int before = in.position();
                    int result = decoder.readHeader(in);
                    headerBytes += in.position() - before;
                    check(result != FrameDecoder.FAILED, "invalid server frame: " + decoder.errorReason());
                    if (result == FrameDecoder.NEED_MORE) {
                        break;
                    }
                    long length = decoder.length();
                    check(headerBytes == FrameEncoder.headerSize(length), "length not in its shortest encoding");
                    check(length <= Integer.MAX_VALUE - 16, "absurd length " + length);
                    payload = new ByteArrayOutputStream((int) Math.min(length, 1 << 20));
                    remaining = length;
                }
                byte[] chunk = new byte[(int) Math.min(remaining, in.remaining())];
                in.get(chunk);
                payload.write(chunk, 0, chunk.length);
                int n = chunk.length;
                remaining -= n;
                if (remaining == 0) {
                    frames.add(new Frame(decoder.fin(), decoder.rsv(), decoder.opcode(), payload.toByteArray()));
                    payload = null;
                    headerBytes = 0;
                    decoder.nextFrame();
                }
            }
            return frames;
        }

        /** Whether a frame has begun and not ended. */
        public boolean inFrame() {
            return payload != null || headerBytes > 0;
        }
    }

    private static void check(boolean ok, String what) {
        if (!ok) {
            throw new AssertionError(what);
        }
    }
}
