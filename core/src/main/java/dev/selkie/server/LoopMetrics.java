package dev.selkie.server;

import dev.selkie.RejectionReason;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.LongAdder;

/**
 * One event loop's counters. The counts in {@link #counts} are written only by the loop's thread:
 * it reads its own last value plainly and stores the new one with an opaque store (a plain move on
 * x86 and ARM, no fence), so a reader on another thread ({@link #read}, an opaque load) sees whole
 * values, maybe slightly stale, and never a torn or invented one. Counts that other threads may
 * update are {@link LongAdder}s, atomics or concurrent maps.
 */
final class LoopMetrics {
    static final int OPEN = 0;
    static final int ACCEPTED = 1;
    static final int MESSAGES_IN = 2;
    static final int MESSAGES_OUT = 3;
    static final int BYTES_IN = 4;
    static final int BYTES_OUT = 5;
    /** Bytes in the outbound queues of this loop's connections. */
    static final int QUEUED = 6;
    /** Connections closed for sending pings faster than they read the pongs. */
    static final int CONTROL_FLOODS = 7;
    /** Incoming messages an extension decoded (inflated): their payload bytes before and after. */
    static final int DECODED_BEFORE = 8;
    static final int DECODED_AFTER = 9;
    private static final int COUNTS = 10;
    private static final VarHandle SLOT = MethodHandles.arrayElementVarHandle(long[].class);

    private final long[] counts = new long[COUNTS];
    private final RoundTrips roundTrips = new RoundTrips();
    final LongAdder droppedMessages = new LongAdder();
    /** Connections closed with 1008 because their send queue hit its limit (policy CLOSE). */
    final LongAdder slowConsumerCloses = new LongAdder();
    /** Connections closed because the listener executor rejected their calls. */
    final LongAdder executorRejections = new LongAdder();
    /** Exceptions thrown by the listener's callbacks (onError included). */
    final LongAdder listenerErrors = new LongAdder();
    /** Outgoing messages an extension encoded (compressed): their payload bytes before and after. */
    final LongAdder encodedBytesBefore = new LongAdder();
    final LongAdder encodedBytesAfter = new LongAdder();
    /** By {@link RejectionReason#ordinal()}; rare, and safe whichever thread counts. */
    final AtomicLongArray rejectedHandshakes = new AtomicLongArray(RejectionReason.values().length);
    final Map<Integer, LongAdder> closesByCode = new ConcurrentHashMap<>();

    private void add(int slot, long delta) {
        long[] c = counts;
        SLOT.setOpaque(c, slot, c[slot] + delta);
    }

    /** Any thread: the count in {@code slot}. */
    long read(int slot) {
        return (long) SLOT.getOpaque(counts, slot);
    }

    /** An upgrade was accepted: a WebSocket is open. */
    void opened() {
        add(ACCEPTED, 1);
        add(OPEN, 1);
    }

    /** A WebSocket that {@link #opened} was reported closed with {@code code}. */
    void closed(int code) {
        add(OPEN, -1);
        closesByCode.computeIfAbsent(code, c -> new LongAdder()).increment();
    }

    /** Any thread. */
    void rejected(RejectionReason reason) {
        rejectedHandshakes.incrementAndGet(reason.ordinal());
    }

    /** What an upgrade that the server's own checks refused with {@code status} is counted as. */
    static RejectionReason rejectionFor(int status) {
        switch (status) {
            case 404:
                return RejectionReason.NOT_FOUND;
            case 426:
                return RejectionReason.UPGRADE_REQUIRED;
            case 431:
                return RejectionReason.HEADERS_TOO_LARGE;
            case 503:
                return RejectionReason.OVER_CAPACITY;
            default:
                return RejectionReason.BAD_REQUEST;
        }
    }

    /** TLS failed on a connection; while {@code handshaking}, that is a rejected connection. */
    void tlsFailed(boolean handshaking) {
        if (handshaking) {
            rejected(RejectionReason.TLS_HANDSHAKE_FAILED);
        }
    }

    void messageIn() {
        add(MESSAGES_IN, 1);
    }

    void messageOut() {
        add(MESSAGES_OUT, 1);
    }

    void bytesIn(long n) {
        add(BYTES_IN, n);
    }

    void bytesOut(long n) {
        add(BYTES_OUT, n);
    }

    /** {@code delta} bytes more (or fewer, if negative) in this loop's outbound queues. */
    void queued(long delta) {
        add(QUEUED, delta);
    }

    void controlFlood() {
        add(CONTROL_FLOODS, 1);
    }

    /** An incoming message was decoded from {@code before} to {@code after} bytes. */
    void decoded(long before, long after) {
        add(DECODED_BEFORE, before);
        add(DECODED_AFTER, after);
    }

    /** Any thread: an outgoing message was encoded from {@code before} to {@code after} bytes. */
    void encoded(long before, long after) {
        encodedBytesBefore.add(before);
        encodedBytesAfter.add(after);
    }

    /** Any thread: a message was not queued because of a slow consumer. */
    void dropped() {
        droppedMessages.increment();
    }

    void pingRoundTrip(long nanos) {
        roundTrips.record(nanos / 1000);
    }

    /** Any thread: adds the round-trip histogram into {@code counts} and {@code sumMax} (see {@link RoundTrips#addTo}). */
    void addRoundTripsTo(long[] counts, long[] sumMax) {
        roundTrips.addTo(counts, sumMax);
    }
}
