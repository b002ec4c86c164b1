package dev.selkie;

import java.util.Arrays;

/**
 * An immutable distribution of durations, in microseconds: the keep-alive ping round trips of
 * {@link ServerMetrics#pingRoundTrip()}. Samples fall into fixed buckets on a log scale (four per
 * power of two, so a bucket spans at most a quarter of its lower bound: about 20% relative
 * precision); the count, sum and maximum are exact. Bucket {@code i} holds the samples greater than
 * the upper bound of bucket {@code i - 1} and at most its own upper bound, which suits cumulative
 * exporters (Prometheus {@code le}). The bounds are the same in every snapshot of a version.
 */
public final class LatencyHistogram {
    private final long[] upperBounds;
    private final long[] counts;
    private final long count;
    private final long sum;
    private final long max;

    /** Made by the server's snapshot; {@code upperBounds} is shared and never changed, {@code counts} is owned. */
    LatencyHistogram(long[] upperBounds, long[] counts, long sum, long max) {
        this.upperBounds = upperBounds;
        this.counts = counts;
        long total = 0;
        for (long c : counts) {
            total += c;
        }
        this.count = total;
        this.sum = sum;
        this.max = max;
    }

    /** The number of samples. */
    public long count() {
        return count;
    }

    /** The sum of the samples in microseconds. */
    public long sumMicros() {
        return sum;
    }

    /** The mean in microseconds; 0 if there are no samples. */
    public double meanMicros() {
        return count == 0 ? 0 : (double) sum / count;
    }

    /** The largest sample in microseconds; 0 if there are none. */
    public long maxMicros() {
        return max;
    }

    /**
     * An upper estimate of the given percentile in microseconds: the upper bound of the bucket that
     * holds the sample of that rank, but never more than {@link #maxMicros()}. 0 if there are no
     * samples.
     *
     * @param percentile from 0 to 100 (e.g. 99.9)
     * @throws IllegalArgumentException if {@code percentile} is outside 0..100
     */
    public long percentileMicros(double percentile) {
        if (!(percentile >= 0 && percentile <= 100)) {
            throw new IllegalArgumentException("percentile must be within 0..100: " + percentile);
        }
        if (count == 0) {
            return 0;
        }
        long rank = Math.max(1, (long) Math.ceil(percentile / 100 * count));
        long seen = 0;
        for (int i = 0; i < counts.length; i++) {
            seen += counts[i];
            if (seen >= rank) {
                return Math.min(upperBounds[i], max);
            }
        }
        return max;
    }

    /** The number of buckets. */
    public int bucketCount() {
        return counts.length;
    }

    /**
     * The inclusive upper bound of bucket {@code index} in microseconds; the last bucket's is
     * {@link Long#MAX_VALUE} (it holds everything above the one before).
     *
     * @throws IndexOutOfBoundsException unless {@code 0 <= index < bucketCount()}
     */
    public long bucketUpperBoundMicros(int index) {
        return upperBounds[index];
    }

    /**
     * The number of samples in bucket {@code index} (not cumulative).
     *
     * @throws IndexOutOfBoundsException unless {@code 0 <= index < bucketCount()}
     */
    public long bucketSamples(int index) {
        return counts[index];
    }

    @Override
    public String toString() {
        return "LatencyHistogram[count=" + count + ", meanMicros=" + Math.round(meanMicros()) + ", p50Micros="
                + percentileMicros(50) + ", p99Micros=" + percentileMicros(99) + ", maxMicros=" + max
                + ", nonEmptyBuckets=" + Arrays.stream(counts).filter(c -> c != 0).count() + "]";
    }
}
