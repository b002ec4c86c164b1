package dev.selkie.demo.stats;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.selkie.demo.json.Json;
import dev.selkie.demo.json.JsonException;
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

    @Test
    void ratesAreDeltasPerSecondOfTheMonotonicClock() throws JsonException {
        AtomicReference<StatsSampler.Counts> now = new AtomicReference<>(metrics(3, 100, 200, 1000, 2000, 0, 0));
        AtomicLong nanos = new AtomicLong(5_000_000_000L);
        StatsSampler sampler = StatsSampler.ofCounts(now::get, nanos::get, () -> 1_700_000_000_000L);

        Map<String, Object> first = Json.parseObject(sampler.sample());
        assertEquals("stats", first.get("type"));
        assertEquals(0, number(first, "messagesInPerSec"), "no rate without a previous sample");
        assertEquals(3, number(first, "connections"));

        now.set(metrics(5, 150, 400, 1500, 6000, 4096, 2));
        nanos.addAndGet(500_000_000L); // half a second later
        Map<String, Object> second = Json.parseObject(sampler.sample());
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
    }
}
