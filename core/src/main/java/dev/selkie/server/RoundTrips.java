package dev.selkie.server;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * One loop's histogram of ping round trips, in microseconds, on the fixed log scale that
 * {@code dev.selkie.LatencyHistogram} documents: values 0..3 have a bucket each, then every power of
 * two is split into four buckets, up to 939,524,095 µs (some 15 minutes); the last bucket holds the rest.
 * Written by the loop's thread only, without allocation or fences (opaque stores of a value only
 * this thread changes); read by any thread with opaque loads, so a reader sees whole values, maybe
 * slightly stale.
 */
final class RoundTrips {
    /** The number of buckets. */
    static final int BUCKETS = 4 * 29;
    /** The inclusive upper bound of each bucket, in microseconds; shared, never written after init. */
    static final long[] UPPER_BOUNDS = new long[BUCKETS];

    private static final VarHandle SLOT = MethodHandles.arrayElementVarHandle(long[].class);
    private static final int SUM = BUCKETS;
    private static final int MAX = BUCKETS + 1;

    static {
        for (int i = 0; i < BUCKETS; i++) {
            if (i < 4) {
                UPPER_BOUNDS[i] = i;
            } else {
                int octave = i / 4 + 1;
                UPPER_BOUNDS[i] = (1L << octave) + ((i % 4) + 1L) * (1L << (octave - 2)) - 1;
            }
        }
        UPPER_BOUNDS[BUCKETS - 1] = Long.MAX_VALUE;
    }

    /** Bucket counts, then the sum and the maximum. */
    private final long[] slots = new long[BUCKETS + 2];

    /** The bucket of a sample of {@code micros} (at least 0). */
    static int bucket(long micros) {
        if (micros < 4) {
            return (int) Math.max(0, micros);
        }
        int octave = 63 - Long.numberOfLeadingZeros(micros);
        int sub = (int) (micros >>> (octave - 2)) & 3;
        return Math.min(BUCKETS - 1, 4 * (octave - 1) + sub);
    }

    /** Loop thread: one sample. */
    void record(long micros) {
        long[] s = slots;
        int bucket = bucket(micros);
        SLOT.setOpaque(s, bucket, s[bucket] + 1);
        SLOT.setOpaque(s, SUM, s[SUM] + micros);
        if (micros > s[MAX]) {
            SLOT.setOpaque(s, MAX, micros);
        }
    }

    /** Any thread: adds the bucket counts into {@code counts}, the sum into {@code sumMax[0]}, and maxes {@code sumMax[1]}. */
    void addTo(long[] counts, long[] sumMax) {
        for (int i = 0; i < BUCKETS; i++) {
            counts[i] += (long) SLOT.getOpaque(slots, i);
        }
        sumMax[0] += (long) SLOT.getOpaque(slots, SUM);
        sumMax[1] = Math.max(sumMax[1], (long) SLOT.getOpaque(slots, MAX));
    }
}
