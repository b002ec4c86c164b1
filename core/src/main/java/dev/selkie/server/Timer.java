package dev.selkie.server;

/**
 * One deadline in an event loop's {@link Deadlines}: {@code owner.timerExpired(kind)} at {@code
 * deadline}. Cancellation is lazy: a cancelled timer stays queued until its deadline and is skipped
 * then, so cancelling costs nothing.
 */
final class Timer implements Comparable<Timer> {
    /** Who is told when a timer expires. */
    interface Owner {
        /** The timer of this kind (the owner's own numbering) expired; loop thread. */
        void timerExpired(int kind);

        /** {@link #timerExpired} threw; by default the loop's failure. */
        default void timerFailed(RuntimeException error) {
            throw error;
        }
    }

    final long deadline;
    final Owner owner;
    final int kind;
    private boolean cancelled;

    Timer(long deadline, Owner owner, int kind) {
        this.deadline = deadline;
        this.owner = owner;
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
