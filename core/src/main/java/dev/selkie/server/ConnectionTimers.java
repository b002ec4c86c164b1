package dev.selkie.server;

/**
 * The timers of one connection, at most one per {@link TimerKind}, in one place: schedule, cancel,
 * cancel all. A connection makes this only when it first needs a timer (an idle connection of a
 * server without idle timeout or keep-alive has none). Loop thread only.
 */
final class ConnectionTimers {
    private final Deadlines deadlines;
    private final Timer.Owner owner;
    private final Timer[] timers = new Timer[TimerKind.LINGER.ordinal() + 1];

    ConnectionTimers(Deadlines deadlines, Timer.Owner owner) {
        this.deadlines = deadlines;
        this.owner = owner;
    }

    /** (Re)sets the timer of {@code kind} to fire at {@code deadline}. */
    void schedule(TimerKind kind, long deadline) {
        cancel(kind);
        timers[kind.ordinal()] = deadlines.schedule(owner, kind.ordinal(), deadline);
    }

    /** Whether a timer of {@code kind} is set and has not fired. */
    boolean isSet(TimerKind kind) {
        return timers[kind.ordinal()] != null;
    }

    /** The timer of {@code kind} fired: it is no longer set. */
    void fired(TimerKind kind) {
        timers[kind.ordinal()] = null;
    }

    void cancel(TimerKind kind) {
        Timer timer = timers[kind.ordinal()];
        if (timer != null) {
            timer.cancel();
            timers[kind.ordinal()] = null;
        }
    }

    /** Cancels every timer of the connection. */
    void cancelAll() {
        for (int i = 0; i < timers.length; i++) {
            if (timers[i] != null) {
                timers[i].cancel();
                timers[i] = null;
            }
        }
    }
}
