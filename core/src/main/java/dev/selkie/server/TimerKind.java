package dev.selkie.server;

/**
 * What a connection's {@link Timer}s are for (the opening handshake's deadline is kept apart, see
 * {@link Deadlines}); {@link ConnectionTimers} holds at most one of each.
 */
enum TimerKind {
    /** Check whether the connection received nothing for the idle timeout. */
    IDLE,
    /** Send the next keep-alive ping. */
    PING,
    /** The pong for the last keep-alive ping must have arrived by now. */
    PONG,
    /** The peer's close frame must have arrived by now. */
    CLOSE,
    /** The peer must have closed its side by now (after our response or final close frame). */
    LINGER;

    private static final TimerKind[] ALL = values();

    /** The kind with this ordinal. */
    static TimerKind of(int ordinal) {
        return ALL[ordinal];
    }
}
