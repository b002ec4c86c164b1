package dev.selkie.server;

/**
 * One deadline in an event loop's timer queue. Cancellation is lazy: a cancelled timer stays in the
 * queue until its deadline and is skipped then, so cancelling costs nothing.
 */
final class Timer implements Comparable<Timer> {
    final long deadline;
    final Connection connection;
    final TimerKind kind;
    private boolean cancelled;

    Timer(long deadline, Connection connection, TimerKind kind) {
        this.deadline = deadline;
        this.connection = connection;
        this.kind = kind;
    }

    void cancel() {
        cancelled = true;
    }

    boolean cancelled() {
        return cancelled;
    }

    @Override
    public int compareTo(Timer other) {
        // nanoTime values may wrap: compare by difference
        return Long.signum(deadline - other.deadline);
    }
}
