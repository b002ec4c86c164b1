package dev.selkie.server;

import dev.selkie.RejectionReason;
import java.util.HashMap;
import java.util.Map;

/**
 * The server's counters summed over its loops at one moment, as {@code dev.selkie.ServerMetrics}
 * copies them. Public only so that the API package can read it; this package is not exported, and
 * the fields may change in any version.
 */
public final class MetricsSnapshot {
    public long openConnections;
    public long acceptedHandshakes;
    /** By {@link RejectionReason#ordinal()}. */
    public final long[] rejectedHandshakes = new long[RejectionReason.values().length];
    public long messagesIn;
    public long messagesOut;
    public long bytesIn;
    public long bytesOut;
    public long queuedBytes;
    public long droppedMessages;
    public final Map<Integer, Long> closesByCode = new HashMap<>();
    /** Inclusive upper bounds of the round-trip buckets, in microseconds: shared, never to be written. */
    public final long[] roundTripBounds = RoundTrips.UPPER_BOUNDS;
    public final long[] roundTripBuckets = new long[RoundTrips.BUCKETS];
    public long roundTripSumMicros;
    public long roundTripMaxMicros;
    public long controlFloods;
    public long slowConsumerCloses;
    public long executorRejections;
    public long listenerErrors;
    public long fatalErrors;
    public long receivedCompressedBytes;
    public long receivedInflatedBytes;
    public long sentUncompressedBytes;
    public long sentCompressedBytes;

    private MetricsSnapshot() {
    }

    /** Sums the loops' counters; any thread. */
    static MetricsSnapshot of(EventLoop[] loops, long fatalErrors) {
        MetricsSnapshot s = new MetricsSnapshot();
        long[] sumMax = new long[2];
        for (EventLoop loop : loops) {
            LoopMetrics m = loop.metrics();
            s.openConnections += m.read(LoopMetrics.OPEN);
            s.acceptedHandshakes += m.read(LoopMetrics.ACCEPTED);
            s.messagesIn += m.read(LoopMetrics.MESSAGES_IN);
            s.messagesOut += m.read(LoopMetrics.MESSAGES_OUT);
            s.bytesIn += m.read(LoopMetrics.BYTES_IN);
            s.bytesOut += m.read(LoopMetrics.BYTES_OUT);
            s.queuedBytes += m.read(LoopMetrics.QUEUED);
            s.controlFloods += m.read(LoopMetrics.CONTROL_FLOODS);
            s.receivedCompressedBytes += m.read(LoopMetrics.DECODED_BEFORE);
            s.receivedInflatedBytes += m.read(LoopMetrics.DECODED_AFTER);
            s.droppedMessages += m.droppedMessages.sum();
            s.slowConsumerCloses += m.slowConsumerCloses.sum();
            s.executorRejections += m.executorRejections.sum();
            s.listenerErrors += m.listenerErrors.sum();
            s.sentUncompressedBytes += m.encodedBytesBefore.sum();
            s.sentCompressedBytes += m.encodedBytesAfter.sum();
            for (int i = 0; i < s.rejectedHandshakes.length; i++) {
                s.rejectedHandshakes[i] += m.rejectedHandshakes.get(i);
            }
            m.closesByCode.forEach((code, n) -> s.closesByCode.merge(code, n.sum(), Long::sum));
            m.addRoundTripsTo(s.roundTripBuckets, sumMax);
        }
        s.queuedBytes = Math.max(0, s.queuedBytes);
        s.openConnections = Math.max(0, s.openConnections);
        s.roundTripSumMicros = sumMax[0];
        s.roundTripMaxMicros = sumMax[1];
        s.fatalErrors = fatalErrors;
        return s;
    }
}
