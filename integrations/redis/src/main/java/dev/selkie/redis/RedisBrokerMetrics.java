package dev.selkie.redis;

/**
 * A snapshot of a {@link RedisBroker}'s counters, taken by {@link RedisBroker#metrics()}. Counters
 * count from the broker's start; immutable.
 */
public final class RedisBrokerMetrics {
    private final long published;
    private final long received;
    private final long ownDropped;
    private final long unsent;
    private final long outages;
    private final long disconnectedMillis;
    private final boolean connected;

    RedisBrokerMetrics(long published, long received, long ownDropped, long unsent, long outages,
            long disconnectedMillis, boolean connected) {
        this.published = published;
        this.received = received;
        this.ownDropped = ownDropped;
        this.unsent = unsent;
        this.outages = outages;
        this.disconnectedMillis = disconnectedMillis;
        this.connected = connected;
    }

    /** Messages handed to Redis and acknowledged by it ({@code PUBLISH} or {@code SPUBLISH} answered). */
    public long published() {
        return published;
    }

    /** Messages of other servers received from Redis and delivered to this server's subscribers. */
    public long received() {
        return received;
    }

    /** Messages of this server that came back from Redis and were dropped (they were delivered locally already). */
    public long ownDropped() {
        return ownDropped;
    }

    /**
     * Messages that could not be sent to Redis: published while it was unreachable (rejected at
     * once, not buffered) or failed on the way; they reached this server's subscribers only.
     */
    public long unsent() {
        return unsent;
    }

    /** Outages: times the connection to Redis was lost (counted once per outage, not per reconnect attempt). */
    public long outages() {
        return outages;
    }

    /** Total time spent without a connection to Redis, including the current outage, in milliseconds. */
    public long disconnectedMillis() {
        return disconnectedMillis;
    }

    /** Whether both connections (subscription and commands) were up when the snapshot was taken. */
    public boolean connected() {
        return connected;
    }

    @Override
    public String toString() {
        return "RedisBrokerMetrics[published=" + published + ", received=" + received + ", ownDropped="
                + ownDropped + ", unsent=" + unsent + ", outages=" + outages + ", disconnectedMillis="
                + disconnectedMillis + ", connected=" + connected + "]";
    }
}
