package dev.selkie.server;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import javax.net.ssl.SSLEngine;

/**
 * An engine's delegated tasks (NEED_TASK: key exchange, signatures, certificate checks), run off
 * the event loop on the server's small TLS executor; when they are done the connection is driven
 * again on its loop. If the executor refuses (full, or stopping) they run on the calling thread:
 * the loop waits a little rather than a handshake hanging.
 */
final class TlsTasks {
    private final SSLEngine engine;
    private final Executor executor;
    private final EventLoop loop;
    private boolean running;

    TlsTasks(SSLEngine engine, Executor executor, EventLoop loop) {
        this.engine = engine;
        this.executor = executor;
        this.loop = loop;
    }

    /** Whether tasks are running (the transport pauses reading and unwrapping meanwhile). */
    boolean running() {
        return running;
    }

    /** Takes every task the engine has now and runs them off the loop; {@code done} runs on the loop after. */
    void start(Runnable done) {
        List<Runnable> work = new ArrayList<>(2);
        for (Runnable task; (task = engine.getDelegatedTask()) != null; ) {
            work.add(task);
        }
        running = true;
        Runnable all = () -> {
            try {
                for (Runnable task : work) {
                    task.run();
                }
            } finally {
                loop.execute(() -> {
                    running = false;
                    done.run();
                });
            }
        };
        try {
            executor.execute(all);
        } catch (RejectedExecutionException e) {
            all.run();
        }
    }
}
