package dev.selkie.protocol;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * The full echo hot path of the protocol core, one client message per invocation: a masked frame
 * (as a browser sends it) goes through {@link WebSocketProtocol#receive} (header decoding,
 * unmasking, UTF-8 validation for text, delivery of the unfragmented message), the handler's
 * {@code onText}/{@code onBinary} gets the message an application listener would get, and echoes
 * it by encoding a server frame the way {@code Connection.send} does (see {@link #encode}: into a
 * reused write chunk for frames up to 4 KiB, or into a new buffer; fragment size 0, the server's
 * default); the encoded frame goes to a {@link Blackhole}, standing in for the socket write.
 *
 * <p>The read buffer is a heap buffer, like the event loop's, holding the whole frame. A binary
 * frame is unmasked into the delivered array, so its input buffer is reused unchanged (position
 * reset only, as in {@link ReceiveBenchmark}). A text frame in a heap buffer is unmasked <em>in
 * place</em> ({@code WebSocketProtocol.wholeMessage}), so after one invocation the buffer holds the
 * plain text: for text, every invocation first copies the pristine masked frame back into the
 * input buffer ({@code System.arraycopy}, the stand-in for the socket read). That copy is part of
 * the measured time of the text cases only.
 *
 * <p>Text payload: valid UTF-8 of exactly {@code payloadSize} bytes, mostly ASCII with some
 * multi-byte characters (64 B: 89% ASCII bytes, with 2- and 3-byte characters, 60 chars; 64 KiB:
 * 83% ASCII bytes, with 2-, 3- and 4-byte characters, 59,128 chars). Characters beyond U+00FF make
 * the delivered String UTF-16. Binary payload: arbitrary bytes.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class EchoBenchmark {
    /** The repeated text: ASCII with a 2-byte (é, ö, Ω), a 3-byte (水, —) and a 4-byte (🦭) character. */
    private static final String TEXT_UNIT =
            "The quick brown fox jumps over the lazy dog; café, Ωmega, 水 — 🦭 says hello wörld. ";

    @Param({"64", "65536"})
    public int payloadSize;

    @Param({"binary", "text"})
    public String type;

    /**
     * How the echo is encoded: {@code chunk} as the server does for a frame of up to 4 KiB sent on
     * its event loop (written with {@link FrameEncoder#writeFrame}/{@link FrameEncoder#writeText}
     * into a write chunk borrowed from the loop's pool: here one reused 4 KiB array), larger frames
     * as {@code allocate}; {@code allocate} always with the allocating encoders (a new frame buffer
     * per message), as the server does for sends from other threads.
     */
    @Param({"chunk", "allocate"})
    public String encode;

    /** The masked frame as it arrives, never modified. */
    private byte[] frame;
    private ByteBuffer input;
    private boolean text;
    private WebSocketProtocol protocol;

    @Setup(Level.Trial)
    public void setUp(Blackhole blackhole) {
        text = "text".equals(type);
        byte[] payload = text ? textPayload(payloadSize) : binaryPayload(payloadSize);
        frame = maskedFrame(text ? Opcode.TEXT : Opcode.BINARY, payload, 0x37FA213D);
        input = ByteBuffer.allocate(frame.length);
        input.put(frame).flip();
        protocol = new WebSocketProtocol(1 << 20, new EchoHandler(blackhole, "chunk".equals(encode)));
        check(payload);
    }

    /** Two echoes through the benchmark's own steps must each give back the server frame of the payload. */
    private void check(byte[] payload) {
        ByteBuffer[] sent = new ByteBuffer[1];
        WebSocketProtocol saved = protocol;
        protocol = new WebSocketProtocol(1 << 20, new EchoHandler(null, "chunk".equals(encode)) {
            @Override
            void send(ByteBuffer frame) {
                sent[0] = frame;
            }

            @Override
            void written(byte[] chunk, int length) {
                sent[0] = ByteBuffer.wrap(chunk.clone(), 0, length);
            }
        });
        ByteBuffer expected = ByteBuffer.allocate(FrameEncoder.headerSize(payload.length) + payload.length);
        FrameEncoder.writeHeader(expected, true, text ? Opcode.TEXT : Opcode.BINARY, payload.length);
        expected.put(payload).flip();
        for (int round = 0; round < 2; round++) {
            sent[0] = null;
            echo();
            if (!expected.equals(sent[0])) {
                throw new IllegalStateException("echo " + round + " is not the server frame of the payload: " + sent[0]);
            }
        }
        protocol = saved;
    }

    @Benchmark
    public void echo() {
        if (text) {
            System.arraycopy(frame, 0, input.array(), 0, frame.length); // the text path unmasked it in place
        }
        input.position(0);
        protocol.receive(input);
    }

    static byte[] binaryPayload(int size) {
        byte[] payload = new byte[size];
        for (int i = 0; i < size; i++) {
            payload[i] = (byte) (i * 31 + 7);
        }
        return payload;
    }

    /** Exactly {@code size} bytes of valid UTF-8: {@link #TEXT_UNIT} repeated, ASCII-padded where a character would not fit. */
    static byte[] textPayload(int size) {
        StringBuilder sb = new StringBuilder(size);
        int bytes = 0;
        int i = 0;
        while (bytes < size) {
            int cp = TEXT_UNIT.codePointAt(i);
            int n = cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
            if (bytes + n > size) {
                cp = '.';
                n = 1;
            }
            sb.appendCodePoint(cp);
            bytes += n;
            i = (i + Character.charCount(TEXT_UNIT.codePointAt(i))) % TEXT_UNIT.length();
        }
        byte[] payload = sb.toString().getBytes(StandardCharsets.UTF_8);
        if (payload.length != size || !Utf8Validator.isValid(payload, 0, size)) {
            throw new IllegalStateException("text payload of " + payload.length + " bytes, wanted " + size);
        }
        return payload;
    }

    /** One final client frame of this opcode, masked with {@code key}. */
    static byte[] maskedFrame(int opcode, byte[] payload, int key) {
        int len = payload.length;
        int header = len <= 125 ? 2 : len <= 0xFFFF ? 4 : 10;
        ByteBuffer b = ByteBuffer.allocate(header + 4 + len);
        b.put((byte) (0x80 | opcode));
        if (len <= 125) {
            b.put((byte) (0x80 | len));
        } else if (len <= 0xFFFF) {
            b.put((byte) (0x80 | 126)).putShort((short) len);
        } else {
            b.put((byte) (0x80 | 127)).putLong(len);
        }
        b.putInt(key);
        for (int i = 0; i < len; i++) {
            b.put((byte) (payload[i] ^ (key >>> (24 - 8 * (i & 3)))));
        }
        return b.array();
    }

    /** An echo listener: every message goes back as one server frame, into the blackhole. */
    static class EchoHandler implements ProtocolHandler {
        /** The server's write chunk size ({@code ChunkPool.CHUNK_SIZE}). */
        static final int CHUNK_SIZE = 4096;

        private final Blackhole blackhole;
        private final boolean inPlace;
        /** Stands in for the write chunk: written, then given back to the pool, once per echo. */
        private final byte[] chunk = new byte[CHUNK_SIZE];

        EchoHandler(Blackhole blackhole, boolean inPlace) {
            this.blackhole = blackhole;
            this.inPlace = inPlace;
        }

        @Override
        public void onText(String text) {
            if (inPlace && text.length() <= CHUNK_SIZE) {
                int length = FrameEncoder.textLength(text);
                if (FrameEncoder.headerSize(length) + length <= CHUNK_SIZE) {
                    written(chunk, FrameEncoder.writeText(text, length, chunk, 0));
                    return;
                }
            }
            send(FrameEncoder.text(text, 0));
        }

        @Override
        public void onBinary(ByteBuffer data) {
            if (inPlace && FrameEncoder.headerSize(data.remaining()) + data.remaining() <= CHUNK_SIZE) {
                written(chunk, FrameEncoder.writeFrame(Opcode.BINARY, data, chunk, 0));
                return;
            }
            send(FrameEncoder.message(Opcode.BINARY, data, 0));
        }

        /** The socket write of a frame encoded into a new buffer. */
        void send(ByteBuffer frame) {
            blackhole.consume(frame);
        }

        /** The socket write of a frame encoded into the chunk. */
        void written(byte[] chunk, int length) {
            blackhole.consume(chunk);
            blackhole.consume(length);
        }

        @Override
        public void onPing(ByteBuffer payload) {
            throw new IllegalStateException("unexpected ping");
        }

        @Override
        public void onPong(ByteBuffer payload) {
            throw new IllegalStateException("unexpected pong");
        }

        @Override
        public void onClose(int code, String reason) {
            throw new IllegalStateException("unexpected close " + code);
        }

        @Override
        public void onProtocolError(int code, String reason) {
            throw new IllegalStateException("unexpected protocol error " + code + ": " + reason);
        }

        @Override
        public void sendPong(ByteBuffer payload) {
            throw new IllegalStateException("unexpected pong from the protocol");
        }

        @Override
        public void sendClose(int code, String reason) {
            throw new IllegalStateException("unexpected close from the protocol: " + code);
        }
    }
}
