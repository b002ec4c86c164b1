package dev.selkie.protocol;

import java.nio.ByteBuffer;
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
 * Decoding and unmasking one masked binary frame through {@link WebSocketProtocol#receive}, from a
 * heap or a direct read buffer, as the event loop does. The binary path unmasks into the delivered
 * array, so the input buffer is reused unchanged at every invocation.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class ReceiveBenchmark {
    @Param({"64", "65536"})
    public int payloadSize;

    @Param({"heap", "direct"})
    public String buffer;

    private ByteBuffer input;
    private WebSocketProtocol protocol;

    @Setup(Level.Trial)
    public void setUp(Blackhole blackhole) {
        byte[] payload = new byte[payloadSize];
        for (int i = 0; i < payload.length; i++) {
            payload[i] = (byte) (i * 31 + 7);
        }
        byte[] frame = EchoBenchmark.maskedFrame(Opcode.BINARY, payload, 0x37FA213D);
        input = "direct".equals(buffer) ? ByteBuffer.allocateDirect(frame.length) : ByteBuffer.allocate(frame.length);
        input.put(frame).flip();
        protocol = new WebSocketProtocol(1 << 20, new BlackholeHandler(blackhole));
    }

    @Benchmark
    public void receiveBinaryFrame() {
        input.position(0);
        protocol.receive(input);
    }

    /** Consumes every event so that nothing is optimised away. */
    static final class BlackholeHandler implements ProtocolHandler {
        private final Blackhole blackhole;

        BlackholeHandler(Blackhole blackhole) {
            this.blackhole = blackhole;
        }

        @Override
        public void onText(String text) {
            blackhole.consume(text);
        }

        @Override
        public void onBinary(ByteBuffer data) {
            blackhole.consume(data);
        }

        @Override
        public void onPing(ByteBuffer payload) {
            blackhole.consume(payload);
        }

        @Override
        public void onPong(ByteBuffer payload) {
            blackhole.consume(payload);
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
            blackhole.consume(payload);
        }

        @Override
        public void sendClose(int code, String reason) {
            blackhole.consume(code);
        }
    }
}
