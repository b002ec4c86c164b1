package dev.selkie.demo.stats;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.jr.ob.JSON;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class StatsSamplerTest {
    private static StatsSampler.Counts metrics(long open, long in, long out, long bytesIn, long bytesOut, long queued,
                                               long dropped) {
        return new StatsSampler.Counts(open, in, out, bytesIn, bytesOut, queued, dropped);
    }

    private static long number(Map<String, Object> sample, String key) {
        Object n = sample.get(key);
        assertTrue(n instanceof Integer || n instanceof Long, key + " is a whole number: " + n);
        return ((Number) n).longValue();
    }

    /** The samples hold an array, which the demos' strict reader of client messages refuses: plain jackson-jr. */
    private static Map<String, Object> parse(String json) throws IOException {
        return JSON.std.mapFrom(json);
    }

    @Test
    void ratesAreDeltasPerSecondOfTheMonotonicClock() throws IOException {
        AtomicReference<StatsSampler.Counts> now = new AtomicReference<>(metrics(3, 100, 200, 1000, 2000, 0, 0));
        AtomicLong nanos = new AtomicLong(5_000_000_000L);
        Deque<String> procStat = new ArrayDeque<>(List.of(
                "cpu0 0 0 0 100\ncpu1 0 0 0 100\n", "cpu0 0 0 0 200\ncpu1 0 0 0 200\n",
                "cpu0 50 0 0 250\ncpu1 100 0 0 200\n"));
        StatsSampler sampler = StatsSampler.ofCounts(now::get, nanos::get, () -> 1_700_000_000_000L,
                new CpuUsage.PerCore(procStat::removeFirst));

        Map<String, Object> first = parse(sampler.sample());
        assertEquals("stats", first.get("type"));
        assertEquals(0, number(first, "messagesInPerSec"), "no rate without a previous sample");
        assertEquals(3, number(first, "connections"));
        assertEquals("proc-stat", first.get("cpuSource"));
        assertEquals(List.of(0.0, 0.0), first.get("cpuCores"), "busy percent per core");

        now.set(metrics(5, 150, 400, 1500, 6000, 4096, 2));
        nanos.addAndGet(500_000_000L); // half a second later
        Map<String, Object> second = parse(sampler.sample());
        assertEquals(100, number(second, "messagesInPerSec"));
        assertEquals(400, number(second, "messagesOutPerSec"));
        assertEquals(1000, number(second, "bytesInPerSec"));
        assertEquals(8000, number(second, "bytesOutPerSec"));
        assertEquals(4096, number(second, "queuedBytes"));
        assertEquals(2, number(second, "droppedMessages"));
        assertEquals(5, number(second, "connections"));
        assertEquals(1_700_000_000_000L, number(second, "time"));
        assertTrue(number(second, "heapUsed") > 0);
        assertTrue(second.containsKey("processCpu"));
        assertEquals(List.of(50.0, 100.0), second.get("cpuCores"));
    }

    @Test
    void unknownCpuFiguresAreNull() throws IOException {
        StatsSampler sampler = StatsSampler.ofCounts(() -> metrics(0, 0, 0, 0, 0, 0, 0), () -> 0, () -> 0,
                new CpuUsage.Jvm(() -> -1));
        Map<String, Object> sample = parse(sampler.sample());
        assertEquals("jvm", sample.get("cpuSource"));
        assertEquals(Arrays.asList((Object) null), sample.get("cpuCores"), "one series, unknown");
    }
}
