package dev.selkie.protocol;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.zip.Deflater;
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
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * permessage-deflate on a 2 KiB JSON text message, the chat case of the benchmark kit's tests g and
 * h: {@link #compress} is {@link PerMessageDeflate#encode} as the server sends a message (shared
 * mode: a pooled deflater, reset per message; takeover: the connection's own, keeping its history);
 * {@link #inflate} is {@link WebSocketProtocol#receive} of the masked compressed frame a client
 * sends (header, unmasking, inflating with a pooled inflater, UTF-8 validation, the String
 * delivered). Setup checks both ways against {@code java.util.zip}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class DeflateBenchmark {
    @Param({"shared", "takeover"})
    public String mode;

    private PerMessageDeflateNegotiator negotiator;
    private Extension extension;
    private ByteBuffer payload;
    private byte[] frame;
    private ByteBuffer input;
    private WebSocketProtocol protocol;

    /** About 2 KiB of chat-like JSON, as the kit's {@code --text-json 2048}. */
    static String json() {
        StringBuilder sb = new StringBuilder("[");
        for (int i = 0; sb.length() < 2000; i++) {
            sb.append("{\"id\":").append(1000 + i * 7).append(",\"user\":\"user").append(i % 13)
                    .append("\",\"room\":\"general\",\"text\":\"message number ").append(i).append("\"},");
        }
        return sb.append("{}]").toString();
    }

    @Setup(Level.Trial)
    public void setUp(Blackhole blackhole) {
        negotiator = new PerMessageDeflateNegotiator(6, 256, "takeover".equals(mode) ? 1 : 0, 2);
        String offer = "shared".equals(mode) ? "permessage-deflate; server_no_context_takeover"
                : "permessage-deflate";
        extension = negotiator.accept(ExtensionsHeader.parse(List.of(offer)).get(0));
        String text = json();
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        payload = ByteBuffer.wrap(bytes).asReadOnlyBuffer();

        Deflater client = new Deflater(1, true); // as wsload compresses: level 1, sync flush, tail stripped
        client.setInput(bytes);
        byte[] out = new byte[bytes.length + 64];
        int n = client.deflate(out, 0, out.length, Deflater.SYNC_FLUSH);
        client.end();
        byte[] compressed = java.util.Arrays.copyOf(out, n - 4);
        frame = maskedFrame(compressed, 0x1F2E3D4C);
        input = ByteBuffer.allocate(frame.length);
        String[] got = new String[1];
        protocol = new WebSocketProtocol(Role.SERVER, 1 << 20, List.of(extension), new Consumer(blackhole, got));
        inflate();
        if (!text.equals(got[0])) {
            throw new IllegalStateException("inflated text differs");
        }
        ByteBuffer sent = compress();
        if (sent == null || sent.remaining() >= bytes.length / 2) {
            throw new IllegalStateException("not compressed: " + sent);
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        extension.release();
        negotiator.close();
    }

    @Benchmark
    public ByteBuffer compress() {
        return extension.encode(Opcode.TEXT, payload.duplicate());
    }

    @Benchmark
    public void inflate() {
        input.clear();
        input.put(frame).flip();
        protocol.receive(input);
    }

    private static byte[] maskedFrame(byte[] payload, int key) {
        int len = payload.length;
        int header = len <= 125 ? 2 : 4;
        ByteBuffer b = ByteBuffer.allocate(header + 4 + len);
        b.put((byte) (0x80 | 0x40 | Opcode.TEXT));
        if (len <= 125) {
            b.put((byte) (0x80 | len));
        } else {
            b.put((byte) (0x80 | 126)).putShort((short) len);
        }
        b.putInt(key);
        for (int i = 0; i < len; i++) {
            b.put((byte) (payload[i] ^ (key >>> (24 - 8 * (i & 3)))));
        }
        return b.array();
    }

    /** Hands each message to the blackhole (and the first to setup's check). */
    private static final class Consumer implements ProtocolHandler {
        private final Blackhole blackhole;
        private final String[] first;

        Consumer(Blackhole blackhole, String[] first) {
            this.blackhole = blackhole;
            this.first = first;
        }

        @Override
        public void onText(String text) {
            if (first[0] == null) {
                first[0] = text;
            }
            blackhole.consume(text);
        }

        @Override
        public void onBinary(ByteBuffer data) {
            blackhole.consume(data);
        }

        @Override
        public void onPing(ByteBuffer payload) {
        }

        @Override
        public void onPong(ByteBuffer payload) {
        }

        @Override
        public void onClose(int code, String reason) {
            throw new IllegalStateException("close " + code);
        }

        @Override
        public void onProtocolError(int code, String reason) {
            throw new IllegalStateException(code + " " + reason);
        }

        @Override
        public void sendPong(ByteBuffer payload) {
        }

        @Override
        public void sendClose(int code, String reason) {
        }
    }
}
