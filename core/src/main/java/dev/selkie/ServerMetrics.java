package dev.selkie;

import dev.selkie.server.MetricsSnapshot;
import java.util.Collections;
import java.util.EnumMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * An immutable snapshot of a server's counters since it started ({@link WebSocketServer#metrics()}).
 * The event loops count without locks or fences and a snapshot sums what each loop had counted
 * when it was read, so counters may be a moment apart from one another; each is a whole value
 * that only grows (except the gauges {@link #openConnections()} and {@link #queuedBytes()}).
 * Snapshots may be taken from any thread, as often as a metrics scrape needs.
 *
 * <p>Counters may be added in later versions, as new accessors.
 */
public final class ServerMetrics {
    private final long openConnections;
    private final long acceptedHandshakes;
    private final Map<RejectionReason, Long> rejectedHandshakes;
    private final long messagesIn;
    private final long messagesOut;
    private final long bytesIn;
    private final long bytesOut;
    private final long queuedBytes;
    private final long droppedMessages;
    private final Map<Integer, Long> closesByCode;
    private final LatencyHistogram pingRoundTrip;
    private final long controlFloods;
    private final long slowConsumerCloses;
    private final long executorRejections;
    private final long listenerErrors;
    private final long fatalErrors;
    private final long receivedCompressedBytes;
    private final long receivedInflatedBytes;
    private final long sentUncompressedBytes;
    private final long sentCompressedBytes;

    ServerMetrics(MetricsSnapshot s) {
        openConnections = s.openConnections;
        acceptedHandshakes = s.acceptedHandshakes;
        EnumMap<RejectionReason, Long> rejected = new EnumMap<>(RejectionReason.class);
        for (RejectionReason reason : RejectionReason.values()) {
            long n = s.rejectedHandshakes[reason.ordinal()];
            if (n != 0) {
                rejected.put(reason, n);
            }
        }
        rejectedHandshakes = Collections.unmodifiableMap(rejected);
        messagesIn = s.messagesIn;
        messagesOut = s.messagesOut;
        bytesIn = s.bytesIn;
        bytesOut = s.bytesOut;
        queuedBytes = s.queuedBytes;
        droppedMessages = s.droppedMessages;
        closesByCode = Collections.unmodifiableMap(new TreeMap<>(s.closesByCode));
        pingRoundTrip = new LatencyHistogram(s.roundTripBounds, s.roundTripBuckets.clone(), s.roundTripSumMicros,
                s.roundTripMaxMicros);
        controlFloods = s.controlFloods;
        slowConsumerCloses = s.slowConsumerCloses;
        executorRejections = s.executorRejections;
        listenerErrors = s.listenerErrors;
        fatalErrors = s.fatalErrors;
        receivedCompressedBytes = s.receivedCompressedBytes;
        receivedInflatedBytes = s.receivedInflatedBytes;
        sentUncompressedBytes = s.sentUncompressedBytes;
        sentCompressedBytes = s.sentCompressedBytes;
    }

    /** WebSocket connections open now. */
    public long openConnections() {
        return openConnections;
    }

    /** Upgrades answered with 101. */
    public long acceptedHandshakes() {
        return acceptedHandshakes;
    }

    /**
     * Upgrades refused, and connections dropped before their WebSocket opened, by reason: only the
     * reasons counted at least once, in the enum's order. Immutable.
     */
    public Map<RejectionReason, Long> rejectedHandshakes() {
        return rejectedHandshakes;
    }

    /** Upgrades refused, or connections dropped before they opened, for {@code reason}. */
    public long rejectedHandshakes(RejectionReason reason) {
        return rejectedHandshakes.getOrDefault(reason, 0L);
    }

    /** Complete messages received. */
    public long messagesIn() {
        return messagesIn;
    }

    /** Messages queued for sending (a broadcast counts once per recipient). */
    public long messagesOut() {
        return messagesOut;
    }

    /** Bytes read from sockets. */
    public long bytesIn() {
        return bytesIn;
    }

    /** Bytes written to sockets. */
    public long bytesOut() {
        return bytesOut;
    }

    /**
     * Memory held now by frames queued and not yet written, over all connections (see
     * {@link WebSocket#bufferedAmount()}).
     */
    public long queuedBytes() {
        return queuedBytes;
    }

    /** Messages not queued because of a slow consumer (see {@link SlowConsumerPolicy}). */
    public long droppedMessages() {
        return droppedMessages;
    }

    /**
     * Closed WebSocket connections by close code: only the codes counted at least once, in
     * ascending order. Immutable. Protocol violations by clients are counted here by the code the
     * server closed with (1002 protocol error, 1007 invalid data, 1009 message too big), as are
     * idle timeouts (1001) and policy closes (1008); there is no separate counter for them.
     */
    public Map<Integer, Long> closesByCode() {
        return closesByCode;
    }

    /** Closed WebSocket connections with close code {@code code}. */
    public long closesByCode(int code) {
        return closesByCode.getOrDefault(code, 0L);
    }

    /** The round-trip times of keep-alive pings (answered pongs), in microseconds. */
    public LatencyHistogram pingRoundTrip() {
        return pingRoundTrip;
    }

    /**
     * Connections closed with 1008 because they kept sending pings while not reading the pongs
     * (also counted under 1008 in {@link #closesByCode()}).
     */
    public long controlFloods() {
        return controlFloods;
    }

    /**
     * Connections closed with 1008 because their send queue reached its limit under
     * {@link SlowConsumerPolicy#CLOSE} (also counted under 1008 in {@link #closesByCode()}).
     */
    public long slowConsumerCloses() {
        return slowConsumerCloses;
    }

    /**
     * Connections closed with 1011 because the listener executor rejected their calls (see
     * {@link WebSocketServer.Builder#executor}; also counted under 1011 in {@link #closesByCode()}).
     */
    public long executorRejections() {
        return executorRejections;
    }

    /** Exceptions thrown by the listener's callbacks, {@code onError} included. */
    public long listenerErrors() {
        return listenerErrors;
    }

    /**
     * Fatal errors the server stopped for: an event loop that died, or a listener call that ran out
     * of memory (see {@link WebSocketServer.Builder#failureHandler}).
     */
    public long fatalErrors() {
        return fatalErrors;
    }

    /** Payload bytes of the compressed messages received (permessage-deflate). */
    public long receivedCompressedBytes() {
        return receivedCompressedBytes;
    }

    /** What the compressed messages received inflated to. */
    public long receivedInflatedBytes() {
        return receivedInflatedBytes;
    }

    /**
     * Payload bytes of the messages sent compressed, before compression (a broadcast counts once
     * per recipient, though it is compressed once).
     */
    public long sentUncompressedBytes() {
        return sentUncompressedBytes;
    }

    /** What the messages sent compressed were compressed to. */
    public long sentCompressedBytes() {
        return sentCompressedBytes;
    }

    @Override
    public String toString() {
        return "ServerMetrics[openConnections=" + openConnections + ", acceptedHandshakes=" + acceptedHandshakes
                + ", rejectedHandshakes=" + rejectedHandshakes + ", messagesIn=" + messagesIn + ", messagesOut="
                + messagesOut + ", bytesIn=" + bytesIn + ", bytesOut=" + bytesOut + ", queuedBytes=" + queuedBytes
                + ", droppedMessages=" + droppedMessages + ", closesByCode=" + closesByCode + ", pingRoundTrip="
                + pingRoundTrip + ", controlFloods=" + controlFloods + ", slowConsumerCloses=" + slowConsumerCloses
                + ", executorRejections=" + executorRejections + ", listenerErrors=" + listenerErrors
                + ", fatalErrors=" + fatalErrors + ", receivedCompressedBytes=" + receivedCompressedBytes
                + ", receivedInflatedBytes=" + receivedInflatedBytes + ", sentUncompressedBytes="
                + sentUncompressedBytes + ", sentCompressedBytes=" + sentCompressedBytes + "]";
    }
}
