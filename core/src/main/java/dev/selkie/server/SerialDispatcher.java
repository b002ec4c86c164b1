package dev.selkie.server;

import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs one connection's listener calls on a user {@link Executor}, one at a time and in the order
 * they were submitted, without holding an executor thread while the connection has nothing to do.
 */
final class SerialDispatcher implements Runnable {
    private static final Logger log = LoggerFactory.getLogger(SerialDispatcher.class);
    /** Calls run per executor task before yielding the thread to other connections. */
    private static final int BATCH = 64;

    private final Executor executor;
    private final ConcurrentLinkedQueue<Runnable> calls = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean scheduled = new AtomicBoolean();

    SerialDispatcher(Executor executor) {
        this.executor = executor;
    }

    /** Queues a call; runs after every call submitted before it. Any thread. */
    void submit(Runnable call) {
        calls.add(call);
        schedule();
    }

    private void schedule() {
        if (scheduled.compareAndSet(false, true)) {
            try {
                executor.execute(this);
            } catch (RejectedExecutionException e) {
                scheduled.set(false);
                calls.clear();
                log.warn("executor rejected listener calls; dropped them", e);
            }
        }
    }

    @Override
    public void run() {
        for (int i = 0; i < BATCH; i++) {
            Runnable call = calls.poll();
            if (call == null) {
                break;
            }
            call.run();
        }
        scheduled.set(false);
        if (!calls.isEmpty()) {
            schedule();
        }
    }
}
