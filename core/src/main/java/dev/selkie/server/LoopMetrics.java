package dev.selkie.server;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * One event loop's counters. The plain fields are written only by the loop's thread and read by
 * whoever takes a snapshot, which may then be slightly stale; the maps and the drop counter can be
 * updated from other threads.
 */
final class LoopMetrics {
    long openConnections;
    long acceptedHandshakes;
    long messagesIn;
    long messagesOut;
    long bytesIn;
    long bytesOut;
    /** Bytes in the outbound queues of this loop's connections. */
    long queuedBytes;
    long pingRoundTripMicrosSum;
    /** Connections closed for sending pings faster than they read the pongs. */
    long controlFloods;
    long pingRoundTrips;
    final LongAdder droppedMessages = new LongAdder();
    /** Outgoing messages an extension encoded (compressed): their payload bytes before and after. */
    final LongAdder encodedBytesBefore = new LongAdder();
    final LongAdder encodedBytesAfter = new LongAdder();
    /** Incoming messages an extension decoded (inflated): their payload bytes before and after. */
    long decodedBytesBefore;
    long decodedBytesAfter;
    final Map<String, Long> rejectedHandshakes = new ConcurrentHashMap<>();
    final Map<Integer, Long> closesByCode = new ConcurrentHashMap<>();

    void rejected(String reason) {
        rejectedHandshakes.merge(reason, 1L, Long::sum);
    }

    void closed(int code) {
        closesByCode.merge(code, 1L, Long::sum);
    }

    /** Any thread: an outgoing message was encoded from {@code before} to {@code after} bytes. */
    void encoded(long before, long after) {
        encodedBytesBefore.add(before);
        encodedBytesAfter.add(after);
    }

    void pingRoundTrip(long nanos) {
        pingRoundTripMicrosSum += nanos / 1000;
        pingRoundTrips++;
    }
}
