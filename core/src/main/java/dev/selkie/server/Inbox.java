package dev.selkie.server;

import java.nio.ByteBuffer;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Frames other threads hand to one connection's loop: a lock-free queue, and a flag so that a burst
 * of sends schedules one loop task, not one per frame. A send queue makes its inbox at the first
 * frame sent from another thread, so connections only ever written on their loop have none.
 */
final class Inbox {
    private final ConcurrentLinkedQueue<ByteBuffer> frames = new ConcurrentLinkedQueue<>();
    private final AtomicInteger scheduled = new AtomicInteger();

    /**
     * Any thread: queues a frame.
     *
     * @return whether the caller must schedule the loop task that drains the inbox (no task is on
     *     its way since the last {@link #draining()})
     */
    boolean add(ByteBuffer frame) {
        frames.add(frame);
        return scheduled.get() == 0 && scheduled.compareAndSet(0, 1);
    }

    /** Loop thread, at the start of the drain task: later frames need a task of their own. */
    void draining() {
        scheduled.set(0);
    }

    /** Loop thread: the oldest frame, or null. */
    ByteBuffer poll() {
        return frames.poll();
    }
}
