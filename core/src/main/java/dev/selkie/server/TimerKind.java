package dev.selkie.server;

/**
 * What the timers of an open WebSocket are for; {@link ConnectionTimers} holds at most one of each.
 * (The opening handshake's deadline is kept apart in {@link Deadlines}, and the linger after the
 * last bytes is the {@link Connection}'s own.)
 */
enum TimerKind {
    /** Check whether the connection received nothing for the idle timeout. */
    IDLE,
    /** Send the next keep-alive ping. */
    PING,
    /** The pong for the last keep-alive ping must have arrived by now. */
    PONG,
    /** The peer's close frame must have arrived by now. */
    CLOSE;

    private static final TimerKind[] ALL = values();

    /** The kind with this ordinal. */
    static TimerKind of(int ordinal) {
        return ALL[ordinal];
    }
}
