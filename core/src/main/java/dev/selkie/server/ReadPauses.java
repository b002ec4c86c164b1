package dev.selkie.server;

/**
 * Why one connection does not read its socket now: a small set of reasons, each set and cleared by
 * the party that owns it; the socket is read only while there is none. The reasons are independent:
 * the application resuming does not undo the executor's pause, nor the other way round.
 *
 * <ul>
 *   <li>{@link #DECISION}: the opening handshake waits for the interceptor's decision;
 *   <li>{@link #DISPATCH}: executor mode, the listener's queued calls hold more than the high-water
 *       mark ({@link ListenerCalls});
 *   <li>{@link #PENDING}: bytes already read wait for the session (its {@link #DECODE_BUDGET} for one
 *       read is spent, or the application paused in the middle of a read), see {@link Connection};
 *   <li>{@link #APPLICATION}: the application called {@link dev.selkie.WebSocket#pauseReading()}.
 * </ul>
 *
 * The timers ask {@link #any()} and {@link #resumedAt()}: silence and a missing pong do not count
 * against the peer while this side is not reading. Loop thread only, but for {@link #requested}.
 */
final class ReadPauses {
    static final int DECISION = 1;
    static final int DISPATCH = 2;
    static final int PENDING = 4;
    static final int APPLICATION = 8;
    /**
     * Decoded (inflated) bytes one read may deliver before the rest of it waits for the loop's next
     * turn, so that a peer's decompression bomb cannot keep the loop from its other connections.
     */
    static final long DECODE_BUDGET = 1 << 20;

    private final Transport transport;
    private final EventLoop loop;
    private int reasons;
    /** The loop's clock when reading last resumed (the connection's start before any pause). */
    private long resumedAt;
    /** What the application asked for last, from any thread; the loop applies it as {@link #APPLICATION}. */
    private volatile boolean requested;

    ReadPauses(Transport transport, EventLoop loop) {
        this.transport = transport;
        this.loop = loop;
        this.resumedAt = loop.clockNow();
    }

    /** Adds ({@code paused}) or removes one reason; the transport reads when the last one goes. */
    void set(int reason, boolean paused) {
        int now = paused ? reasons | reason : reasons & ~reason;
        if (now != reasons) {
            boolean wasReading = reasons == 0;
            reasons = now;
            if (wasReading != (now == 0)) {
                if (now == 0) {
                    resumedAt = loop.clockNow();
                }
                transport.reading(now == 0);
            }
        }
    }

    /** Every reason goes and the transport reads (lingering reads to the peer's FIN). */
    void clear() {
        reasons = 0;
        transport.reading(true);
    }

    /** Whether {@code reason} is among the reasons. */
    boolean has(int reason) {
        return (reasons & reason) != 0;
    }

    /** Whether the socket is not read now, for any reason. */
    boolean any() {
        return reasons != 0;
    }

    /** The loop's clock when reading last resumed after a pause (or when the connection began). */
    long resumedAt() {
        return resumedAt;
    }

    /** The application's latest pause (true) or resume (false); any thread. */
    void request(boolean paused) {
        requested = paused;
    }

    /** What the application asked for last; any thread. */
    boolean requested() {
        return requested;
    }
}
