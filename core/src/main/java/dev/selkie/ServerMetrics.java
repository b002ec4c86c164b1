package dev.selkie;

import java.util.Map;

/**
 * A snapshot of a server's counters since it started. Counters are plain fields updated on the
 * event-loop threads and summed when the snapshot is taken.
 *
 * @param openConnections WebSocket connections open now
 * @param acceptedHandshakes upgrades answered with 101
 * @param rejectedHandshakes upgrades refused, by reason (e.g. {@code "400"}, {@code "426"},
 *     {@code "431"}, {@code "503"}, {@code "interceptor"}, {@code "timeout"})
 * @param messagesIn complete messages received
 * @param messagesOut messages queued for sending (a broadcast counts once per recipient)
 * @param bytesIn bytes read from sockets
 * @param bytesOut bytes written to sockets
 * @param queuedBytes memory held by frames queued and not yet written, over all connections (see
 *     {@link WebSocket#bufferedAmount()})
 * @param droppedMessages messages not queued because of a slow consumer
 * @param closesByCode closed connections by close code
 * @param pingRoundTripMicros mean round-trip time of keep-alive pings, in microseconds (0 if none)
 * @param controlFloods connections closed with 1008 because they kept sending pings while not
 *     reading the pongs (also counted under 1008 in {@code closesByCode})
 * @param fatalErrors fatal errors the server stopped for: an event loop that died, or a listener
 *     call that ran out of memory (see {@link WebSocketServer.Builder#failureHandler})
 * @param receivedCompressedBytes payload bytes of the compressed messages received (permessage-deflate)
 * @param receivedInflatedBytes what they inflated to
 * @param sentUncompressedBytes payload bytes of the messages sent compressed, before compression
 *     (a broadcast counts once per recipient, though it is compressed once)
 * @param sentCompressedBytes what they were compressed to
 */
public record ServerMetrics(
        long openConnections,
        long acceptedHandshakes,
        Map<String, Long> rejectedHandshakes,
        long messagesIn,
        long messagesOut,
        long bytesIn,
        long bytesOut,
        long queuedBytes,
        long droppedMessages,
        Map<Integer, Long> closesByCode,
        long pingRoundTripMicros,
        long controlFloods,
        long fatalErrors,
        long receivedCompressedBytes,
        long receivedInflatedBytes,
        long sentUncompressedBytes,
        long sentCompressedBytes) {

    /** Copies the maps so the snapshot is immutable. */
    public ServerMetrics {
        rejectedHandshakes = Map.copyOf(rejectedHandshakes);
        closesByCode = Map.copyOf(closesByCode);
    }
}
