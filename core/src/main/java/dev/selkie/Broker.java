package dev.selkie;

/**
 * Carries topics across servers: the seam an external message broker (Redis pub/sub in {@code
 * selkie-redis}, or any other) plugs into with {@link WebSocketServer.Builder#broker}. The server
 * tells the broker when a topic gets its first local subscriber and loses its last (once per
 * server, not per connection), hands it every message the application publishes, and takes the
 * messages of other servers through the {@link Inbound} it gives at start.
 *
 * <p>A message published on this server reaches its local subscribers directly, at once; the
 * broker forwards it to the other servers and must not deliver it here again when it comes back
 * (tag it with this server's identity and drop it on the way in). Text and binary keep their type.
 *
 * <p>Threads: {@link #start} and {@link #stop} run on the thread that starts and stops the server;
 * {@link #subscribe}, {@link #unsubscribe} and {@link #publish} on an event-loop thread or the
 * application's publishing thread, and must not block (queue the work to the broker's own I/O);
 * {@code subscribe} and {@code unsubscribe} of this server come one at a time, in the order the
 * transitions happened. {@link Inbound#deliver} may be called from any thread. An exception
 * thrown by a broker call is logged and otherwise ignored: local delivery goes on.
 */
public interface Broker {
    /**
     * The server started (it accepts connections once this returns); messages of other servers go
     * to {@code inbound} from now on until {@link #stop}.
     */
    void start(Inbound inbound);

    /** {@code topic} got its first subscriber on this server: receive it from the other servers. */
    void subscribe(String topic);

    /** {@code topic} lost its last subscriber on this server: stop receiving it. */
    void unsubscribe(String topic);

    /**
     * The application published {@code message} to {@code topic} on this server (its local
     * subscribers have it already): send it to the other servers. Called for every publish, whether
     * or not this server has subscribers of the topic.
     */
    void publish(String topic, PreparedMessage message);

    /** The server stopped: release connections and threads. Nothing is delivered afterwards. */
    void stop();

    /** How a broker hands the messages of other servers to this server's subscribers. */
    @FunctionalInterface
    interface Inbound {
        /**
         * Queues {@code message} to this server's subscribers of {@code topic}, framed once and each
         * recipient under its own backpressure policy, like a local publish, but not handed back to
         * the broker. Any thread.
         *
         * @return the number of local subscribers it was queued for (see {@link WebSocketServer#publish(String, String)})
         */
        int deliver(String topic, PreparedMessage message);
    }
}
