package dev.selkie.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class RoundTripsTest {
    @Test
    void everyValueFallsInTheBucketWhoseBoundsHoldIt() {
        for (long v = 0; v < 200_000; v++) {
            assertHeld(v);
        }
        for (long v = 1; v > 0 && v < Long.MAX_VALUE / 3; v = v * 3 + 1) {
            assertHeld(v);
            assertHeld(v - 1);
            assertHeld(v + 1);
        }
        assertEquals(RoundTrips.BUCKETS - 1, RoundTrips.bucket(Long.MAX_VALUE));
    }

    private static void assertHeld(long v) {
        int b = RoundTrips.bucket(v);
        assertTrue(v <= RoundTrips.UPPER_BOUNDS[b], v + " above the bound of bucket " + b);
        assertTrue(b == 0 || v > RoundTrips.UPPER_BOUNDS[b - 1], v + " belongs in a bucket below " + b);
    }

    @Test
    void bucketsAreAtMostAQuarterOfTheirLowerBoundWide() {
        assertEquals(0, RoundTrips.UPPER_BOUNDS[0]);
        for (int i = 5; i < RoundTrips.BUCKETS - 1; i++) {
            long lower = RoundTrips.UPPER_BOUNDS[i - 1] + 1;
            long width = RoundTrips.UPPER_BOUNDS[i] - lower + 1;
            assertTrue(width * 4 <= lower, "bucket " + i + ": " + lower + ".." + RoundTrips.UPPER_BOUNDS[i]);
        }
        assertEquals(Long.MAX_VALUE, RoundTrips.UPPER_BOUNDS[RoundTrips.BUCKETS - 1]);
    }

    @Test
    void samplesAddUpIntoCountsSumAndMax() {
        RoundTrips a = new RoundTrips();
        RoundTrips b = new RoundTrips();
        a.record(100);
        a.record(100);
        a.record(7_000);
        b.record(250);
        long[] counts = new long[RoundTrips.BUCKETS];
        long[] sumMax = new long[2];
        a.addTo(counts, sumMax);
        b.addTo(counts, sumMax);
        assertEquals(2, counts[RoundTrips.bucket(100)]);
        assertEquals(1, counts[RoundTrips.bucket(250)]);
        assertEquals(1, counts[RoundTrips.bucket(7_000)]);
        assertEquals(7_450, sumMax[0]);
        assertEquals(7_000, sumMax[1]);
    }
}
