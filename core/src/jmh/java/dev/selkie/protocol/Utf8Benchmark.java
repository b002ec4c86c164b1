package dev.selkie.protocol;

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

/** UTF-8 validation of 64 KiB of ASCII and of mixed 1- to 4-byte text. */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class Utf8Benchmark {
    private static final int SIZE = 64 * 1024;

    @Param({"ascii", "mixed"})
    public String text;

    private byte[] bytes;

    @Setup(Level.Trial)
    public void setUp() {
        String unit = "ascii".equals(text)
                ? "The quick brown fox jumps over the lazy dog 0123456789. "
                : "Grüße, κόσμε! 你好世界 😀 naïve café — ";
        StringBuilder sb = new StringBuilder();
        while (sb.toString().getBytes(StandardCharsets.UTF_8).length < SIZE) {
            sb.append(unit);
        }
        byte[] all = sb.toString().getBytes(StandardCharsets.UTF_8);
        // cut back to a character boundary at or below 64 KiB
        int end = SIZE;
        while ((all[end] & 0xC0) == 0x80) {
            end--;
        }
        bytes = java.util.Arrays.copyOf(all, end);
        if (!Utf8Validator.isValid(bytes, 0, bytes.length)) {
            throw new IllegalStateException("benchmark input is not valid UTF-8");
        }
    }

    @Benchmark
    public int validate() {
        return Utf8Validator.validate(Utf8Validator.ACCEPT, bytes, 0, bytes.length);
    }
}
