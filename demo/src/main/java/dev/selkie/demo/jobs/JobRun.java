package dev.selkie.demo.jobs;

import dev.selkie.SendResult;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * One run of an allow-listed job over its targets: at most {@code parallel} processes at a time, each
 * started by {@link ProcessBuilder} with the template's argument vector (no shell), stdout and stderr
 * merged and read line by line on a thread of the shared pool, killed with its process tree after the
 * timeout or on {@link #cancel()}.
 *
 * <p>Backpressure: a send that reports {@link SendResult#BACKPRESSURE} makes the reading thread wait for
 * {@link #drained()} (the connection's {@code onDrain}) before it reads more of the process's output, so
 * the pipe fills and the process blocks rather than the server's queue growing; a {@link
 * SendResult#DROPPED} send (the client is gone) cancels the run.
 */
final class JobRun {
    /** Longest output line passed on; the rest of a longer line is cut. */
    static final int MAX_LINE = 1000;

    private final JobTemplate job;
    private final List<String> targets;
    private final Duration timeout;
    private final int parallel;
    private final Function<String, SendResult> send;
    private final Executor pool;
    private final ScheduledExecutorService timer;

    private final AtomicInteger next = new AtomicInteger();
    private final AtomicInteger workers = new AtomicInteger();
    private final AtomicInteger ok = new AtomicInteger();
    private final AtomicInteger failed = new AtomicInteger();
    private final AtomicInteger timedOut = new AtomicInteger();
    private final AtomicInteger cancelledTargets = new AtomicInteger();
    private final Set<Process> running = ConcurrentHashMap.newKeySet();
    private final CompletableFuture<Void> done = new CompletableFuture<>();
    private final Object drain = new Object();
    private long drains;
    private volatile boolean cancelled;

    JobRun(JobTemplate job, List<String> targets, Duration timeout, int parallel, Function<String, SendResult> send,
           Executor pool, ScheduledExecutorService timer) {
        this.job = job;
        this.targets = targets;
        this.timeout = timeout;
        this.parallel = parallel;
        this.send = send;
        this.pool = pool;
        this.timer = timer;
    }

    /** Starts the workers; returns at once. */
    void start() {
        send.apply(JobsProtocol.start(job, targets));
        int n = Math.min(parallel, targets.size());
        workers.set(n);
        for (int i = 0; i < n; i++) {
            pool.execute(this::work);
        }
    }

    /** Completed once every target ended (and the summary was sent). */
    CompletableFuture<Void> done() {
        return done;
    }

    /** Kills the running processes (with their descendants) and starts no more; any thread. */
    void cancel() {
        cancelled = true;
        for (Process p : running) {
            kill(p);
        }
        synchronized (drain) {
            drain.notifyAll();
        }
    }

    /** The connection drained below its low-water mark: readers waiting on backpressure go on. */
    void drained() {
        synchronized (drain) {
            drains++;
            drain.notifyAll();
        }
    }

    /** The processes running now (for tests). */
    Set<ProcessHandle> processes() {
        Set<ProcessHandle> handles = ConcurrentHashMap.newKeySet();
        running.forEach(p -> handles.add(p.toHandle()));
        return handles;
    }

    private void work() {
        try {
            int i;
            while (!cancelled && (i = next.getAndIncrement()) < targets.size()) {
                runTarget(targets.get(i));
            }
        } finally {
            if (workers.decrementAndGet() == 0) {
                int notRun = Math.max(0, targets.size() - Math.min(next.get(), targets.size()));
                done.complete(null); // first: a page that hears "done" may start the next job at once
                send.apply(JobsProtocol.done(ok.get(), failed.get(), timedOut.get(), cancelledTargets.get() + notRun));
            }
        }
    }

    private void runTarget(String target) {
        List<String> argv = job.argv(target);
        send.apply(JobsProtocol.status(target, "running", null, JobTemplate.display(argv)));
        Process p;
        try {
            p = new ProcessBuilder(argv).redirectErrorStream(true).start();
        } catch (IOException e) {
            failed.incrementAndGet();
            send.apply(JobsProtocol.status(target, "failed", null, "cannot start " + argv.get(0) + ": " + e.getMessage()));
            return;
        }
        running.add(p);
        java.util.concurrent.atomic.AtomicBoolean expired = new java.util.concurrent.atomic.AtomicBoolean();
        ScheduledFuture<?> deadline = timer.schedule(() -> {
            expired.set(true);
            kill(p);
        }, timeout.toMillis(), TimeUnit.MILLISECONDS);
        if (cancelled) {
            kill(p); // cancelled between the check in work() and the start
        }
        try {
            p.getOutputStream().close(); // no input: a command that reads stdin sees its end
            readLines(target, p.getInputStream());
            int code = p.waitFor();
            deadline.cancel(false);
            String state = cancelled ? "cancelled" : expired.get() ? "timeout" : code == 0 ? "ok" : "failed";
            switch (state) {
                case "ok" -> ok.incrementAndGet();
                case "failed" -> failed.incrementAndGet();
                case "timeout" -> timedOut.incrementAndGet();
                default -> cancelledTargets.incrementAndGet();
            }
            send.apply(JobsProtocol.status(target, state, state.equals("ok") || state.equals("failed") ? code : null,
                    DurationText.of(timeout)));
        } catch (IOException e) {
            kill(p);
            failed.incrementAndGet();
            send.apply(JobsProtocol.status(target, "failed", null, "reading its output: " + e.getMessage()));
        } catch (InterruptedException e) {
            kill(p);
            Thread.currentThread().interrupt();
            cancelledTargets.incrementAndGet();
        } finally {
            deadline.cancel(false);
            running.remove(p);
        }
    }

    private void readLines(String target, InputStream in) throws IOException {
        Reader reader = new InputStreamReader(in, StandardCharsets.UTF_8);
        StringBuilder line = new StringBuilder();
        boolean cut = false;
        char[] buf = new char[4096];
        int n;
        while ((n = reader.read(buf)) >= 0) {
            for (int i = 0; i < n; i++) {
                char c = buf[i];
                if (c == '\n') {
                    emit(target, line);
                    cut = false;
                } else if (line.length() >= MAX_LINE) {
                    if (!cut) {
                        line.append('\u2026');
                        cut = true;
                    }
                } else if (c == '\t') {
                    line.append("    ");
                } else if (c >= 0x20 && c != 0x7f && (c < 0x80 || c > 0x9f)) {
                    line.append(c); // escape sequences and other control characters never reach the terminal
                }
            }
        }
        if (line.length() > 0) {
            emit(target, line);
        }
    }

    private void emit(String target, StringBuilder line) {
        long seen;
        synchronized (drain) {
            seen = drains;
        }
        SendResult r = send.apply(JobsProtocol.output(target, line.toString()));
        line.setLength(0);
        if (r == SendResult.DROPPED) {
            cancel();
        } else if (r == SendResult.BACKPRESSURE) {
            synchronized (drain) {
                while (drains == seen && !cancelled) {
                    try {
                        drain.wait(1000);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        return;
                    }
                }
            }
        }
    }

    /** Kills {@code p} and every descendant of it (found before it dies, so none is orphaned unseen). */
    static void kill(Process p) {
        ProcessHandle handle = p.toHandle();
        List<ProcessHandle> descendants = handle.descendants().toList();
        handle.destroyForcibly();
        descendants.forEach(ProcessHandle::destroyForcibly);
    }

    /** Durations as the page shows them: {@code 500ms}, {@code 30s}, {@code 2m}. */
    static final class DurationText {
        private DurationText() {
        }

        static String of(Duration d) {
            long ms = d.toMillis();
            if (ms % 60_000 == 0 && ms > 0) {
                return ms / 60_000 + "m";
            }
            if (ms % 1000 == 0) {
                return ms / 1000 + "s";
            }
            return ms + "ms";
        }
    }
}
