package dev.selkie.server;

import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Runs one connection's listener calls on a user {@link Executor}, one at a time and in the order
 * they were submitted, without holding an executor thread while the connection has nothing to do.
 *
 * <p>It counts the bytes the queued calls hold (the messages they carry, plus bookkeeping), so
 * that the connection can stop reading while its listener falls behind ({@link #pendingBytes()},
 * {@link Owner#dispatchBelow}). If the executor rejects a task, the dispatcher is dead from then
 * on: the calls it held are dropped, the owner is told ({@link Owner#dispatchRejected}), and calls
 * submitted later run at once on the submitting thread (the connection's event loop), so that a
 * rejected executor still gets the connection's {@code onClose}.
 */
final class SerialDispatcher implements Runnable {
    /** Calls run per executor task before yielding the thread to other connections. */
    private static final int BATCH = 64;
    /** Bytes counted per queued call besides its message: the call, its queue node, the message object. */
    static final int CALL_OVERHEAD = 96;

    /** Who is told when the queued calls fall under a mark or the executor refuses work. */
    interface Owner {
        /** Any thread: the bytes held by queued calls fell from above {@code mark} to it or below. */
        void dispatchBelow(long mark);

        /** Any thread, once: the executor rejected a task; nothing queued will run. */
        void dispatchRejected(RejectedExecutionException e);
    }

    /** A call that carries a message of some size. */
    private record Sized(Runnable call, long cost) implements Runnable {
        @Override
        public void run() {
            call.run();
        }
    }

    private final Executor executor;
    private final Owner owner;
    private final long mark;
    private final ConcurrentLinkedQueue<Runnable> calls = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean scheduled = new AtomicBoolean();
    private final AtomicLong pendingBytes = new AtomicLong();
    private volatile boolean dead;

    /**
     * @param mark the owner hears {@link Owner#dispatchBelow} whenever the queued bytes fall from
     *     above this to it or below
     */
    SerialDispatcher(Executor executor, Owner owner, long mark) {
        this.executor = executor;
        this.owner = owner;
        this.mark = mark;
    }

    /** Queues a call without a message; runs after every call submitted before it. Any thread. */
    void submit(Runnable call) {
        if (dead) {
            call.run();
            return;
        }
        calls.add(call);
        schedule();
    }

    /**
     * Queues a call that carries a message of {@code messageBytes}, counted in {@link
     * #pendingBytes()} until it has run. Any thread.
     */
    void submit(Runnable call, long messageBytes) {
        if (dead) {
            call.run();
            return;
        }
        long cost = messageBytes + CALL_OVERHEAD;
        pendingBytes.addAndGet(cost);
        calls.add(new Sized(call, cost));
        schedule();
    }

    /** Bytes held by queued calls that carry messages (see {@link #CALL_OVERHEAD}). */
    long pendingBytes() {
        return pendingBytes.get();
    }

    /** Whether the executor rejected a task (then calls run on the submitting thread). */
    boolean dead() {
        return dead;
    }

    private void schedule() {
        if (scheduled.compareAndSet(false, true)) {
            try {
                executor.execute(this);
            } catch (RejectedExecutionException e) {
                dead = true; // scheduled stays set: nothing runs on the executor again
                calls.clear();
                pendingBytes.set(0);
                owner.dispatchRejected(e);
            }
        }
    }

    @Override
    public void run() {
        try {
            for (int i = 0; i < BATCH; i++) {
                Runnable call = calls.poll();
                if (call == null) {
                    break;
                }
                try {
                    call.run();
                } finally {
                    if (call instanceof Sized sized) {
                        long after = pendingBytes.addAndGet(-sized.cost());
                        if (after <= mark && after + sized.cost() > mark) {
                            owner.dispatchBelow(mark);
                        }
                    }
                }
            }
        } finally {
            // also after a fatal error thrown by a call: the calls after it are not stranded
            scheduled.set(false);
            if (!calls.isEmpty()) {
                schedule();
            }
        }
    }
}
