package dev.selkie;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class LatencyHistogramTest {
    private static final long[] BOUNDS = {9, 99, 999, Long.MAX_VALUE};

    @Test
    void percentilesAreTheBoundOfTheirBucketButNeverAboveTheMaximum() {
        // 90 samples up to 9 µs, 9 up to 99, 1 of 700
        LatencyHistogram h = new LatencyHistogram(BOUNDS, new long[] {90, 9, 1, 0}, 90 * 5 + 9 * 50 + 700, 700);
        assertEquals(100, h.count());
        assertEquals(1_600, h.sumMicros());
        assertEquals(16.0, h.meanMicros());
        assertEquals(700, h.maxMicros());
        assertEquals(9, h.percentileMicros(0));
        assertEquals(9, h.percentileMicros(50));
        assertEquals(9, h.percentileMicros(90));
        assertEquals(99, h.percentileMicros(90.5));
        assertEquals(99, h.percentileMicros(99));
        assertEquals(700, h.percentileMicros(99.9), "the bucket's bound is 999, the largest sample 700");
        assertEquals(700, h.percentileMicros(100));
        assertEquals(4, h.bucketCount());
        assertEquals(99, h.bucketUpperBoundMicros(1));
        assertEquals(9, h.bucketSamples(1));
    }

    @Test
    void anEmptyHistogramIsAllZeros() {
        LatencyHistogram h = new LatencyHistogram(BOUNDS, new long[4], 0, 0);
        assertEquals(0, h.count());
        assertEquals(0.0, h.meanMicros());
        assertEquals(0, h.percentileMicros(99));
        assertEquals(0, h.maxMicros());
    }

    @Test
    void percentilesOutsideZeroToHundredAreRefused() {
        LatencyHistogram h = new LatencyHistogram(BOUNDS, new long[4], 0, 0);
        assertThrows(IllegalArgumentException.class, () -> h.percentileMicros(-1));
        assertThrows(IllegalArgumentException.class, () -> h.percentileMicros(100.1));
        assertThrows(IllegalArgumentException.class, () -> h.percentileMicros(Double.NaN));
    }
}
