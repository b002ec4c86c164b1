package dev.selkie.server;

import java.util.PriorityQueue;

/**
 * Everything an event loop must do at a given time, and the one answer to "when is the next
 * deadline": the opening handshakes' timeouts (one timeout for every connection, so they expire in
 * the order they were set and a {@link Ring} replaces a timer object per connection) and the
 * {@link Timer}s of connections and of the loop itself (a priority queue, cancelled lazily). Loop
 * thread only; times are {@link Clock} nanoseconds.
 */
final class Deadlines {
    /** Connections in their opening handshake, oldest first, with their deadlines. */
    private final Ring<Connection> handshakes = new Ring<>(Connection.class, 16);
    private final PriorityQueue<Timer> timers = new PriorityQueue<>();

    /** {@code connection} must finish its opening handshake by {@code deadline}. */
    void handshakeStarted(Connection connection, long deadline) {
        handshakes.add(connection, deadline);
    }

    /** A timer that tells {@code owner} about {@code kind} at {@code deadline}. */
    Timer schedule(Timer.Owner owner, int kind, long deadline) {
        Timer timer = new Timer(deadline, owner, kind);
        timers.add(timer);
        return timer;
    }

    /** Whether anything is due at some time (a handshake under way or a live timer). */
    boolean any() {
        return firstHandshake() != null || firstTimer() != null;
    }

    /** The earliest deadline; only if {@link #any()}. */
    long next() {
        Connection handshaking = firstHandshake();
        Timer timer = firstTimer();
        if (handshaking == null) {
            return timer.deadline;
        }
        long handshakeDeadline = handshakes.firstValue();
        return timer == null || handshakeDeadline - timer.deadline < 0 ? handshakeDeadline : timer.deadline;
    }

    /**
     * Runs what is due at {@code now}: handshakes that timed out, then expired timers. A failure of
     * one (a RuntimeException) goes to its owner (a connection fails, the others still run).
     */
    void runDue(long now) {
        Connection handshaking;
        while ((handshaking = firstHandshake()) != null && now - handshakes.firstValue() >= 0) {
            handshakes.removeFirst();
            try {
                handshaking.handshakeTimedOut();
            } catch (RuntimeException e) {
                handshaking.failed(e);
            }
        }
        Timer timer;
        while ((timer = timers.peek()) != null && now - timer.deadline >= 0) {
            timers.poll();
            if (!timer.cancelled()) {
                try {
                    timer.owner.timerExpired(timer.kind);
                } catch (RuntimeException e) {
                    timer.owner.timerFailed(e);
                }
            }
        }
    }

    /** Forgets everything. */
    void clear() {
        handshakes.clear(0);
        timers.clear();
    }

    /** The oldest connection still in its handshake (those done with it are dropped), or null. */
    private Connection firstHandshake() {
        while (!handshakes.isEmpty()) {
            Connection c = handshakes.first();
            if (c.handshaking()) {
                return c;
            }
            handshakes.removeFirst();
        }
        return null;
    }

    private Timer firstTimer() {
        Timer next;
        while ((next = timers.peek()) != null && next.cancelled()) {
            timers.poll();
        }
        return next;
    }
}
