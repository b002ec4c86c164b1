package dev.selkie;

/**
 * Outcome of queueing an outgoing message on a {@link WebSocket}.
 *
 * <p>Backpressure is measured in bytes of encoded frames that are queued for a connection but not
 * yet written to its socket (see {@link WebSocket#bufferedAmount()}).
 */
public enum SendResult {
    /** Queued; the connection is below its high-water mark. */
    OK,
    /**
     * Queued, but the connection's queue is now above its high-water mark. Stop sending to this
     * connection until {@link WebSocketListener#onDrain(WebSocket)} is called.
     */
    BACKPRESSURE,
    /**
     * Not queued: the connection is closed or closing, or queueing the message would pass the hard
     * limit. Under {@link SlowConsumerPolicy#CLOSE} the connection is then closed with 1008.
     */
    DROPPED
}
