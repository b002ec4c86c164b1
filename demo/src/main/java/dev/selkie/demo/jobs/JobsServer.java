package dev.selkie.demo.jobs;

import dev.selkie.AttributeKey;
import dev.selkie.Endpoint;
import dev.selkie.HandshakeDecision;
import dev.selkie.HandshakeInterceptor;
import dev.selkie.HttpRequest;
import dev.selkie.HttpResponse;
import dev.selkie.Tls;
import dev.selkie.WebSocket;
import dev.selkie.WebSocketListener;
import dev.selkie.WebSocketServer;
import dev.selkie.demo.web.OriginPolicy;
import dev.selkie.demo.web.WebResources;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The batch-job terminal: the page (an xterm.js terminal, from the xterm WebJar in the jar) at {@code /}
 * and the WebSocket at {@code /ws}. A page asks for an allow-listed job over a target list or range
 * ({@link JobsProtocol}); the server runs it ({@link JobRun}) and streams each target's output and status.
 *
 * <p>Only the jobs given to the constructor ever run, one job at a time per connection; a connection
 * that closes cancels its job, and {@link #stop} cancels every job before the server closes its clients.
 * Process output is read on the threads of a bounded pool, never on an event loop.
 */
public final class JobsServer {
    /** Where the xterm WebJar keeps its files. */
    static final String XTERM = "/META-INF/resources/webjars/xterm/4.9.0/";

    private static final Logger log = LoggerFactory.getLogger(JobsServer.class);
    private static final AttributeKey<AtomicReference<JobRun>> CURRENT = AttributeKey.of("current job");

    private final WebSocketServer server;
    private final OriginPolicy origins;
    private final Map<String, JobTemplate> jobs = new LinkedHashMap<>();
    private final Duration timeout;
    private final int parallel;
    private final ExecutorService pool;
    private final ScheduledExecutorService timer;
    private final Set<JobRun> runs = ConcurrentHashMap.newKeySet();
    private final WebResources page = new WebResources(Map.of(
            "/", "jobs.html", "/demo.css", "demo.css", "/jobs.css", "jobs.css", "/jobs.js", "jobs.js",
            "/xterm/xterm.js", XTERM + "lib/xterm.js", "/xterm/xterm.css", XTERM + "css/xterm.css"));

    /**
     * @param jobs the allow-list, names unique
     * @param timeout how long one target's process may run
     * @param parallel how many processes one job runs at a time
     */
    public JobsServer(String host, int port, List<String> extraOrigins, Tls tls, Collection<JobTemplate> jobs,
                      Duration timeout, int parallel) {
        if (jobs.isEmpty()) {
            throw new IllegalArgumentException("no jobs: give at least one");
        }
        for (JobTemplate job : jobs) {
            if (this.jobs.put(job.name(), job) != null) {
                throw new IllegalArgumentException("the job '" + job.name() + "' is given twice");
            }
        }
        this.timeout = timeout;
        this.parallel = parallel;
        // readers block on process output: a bounded pool of their own; more runs than threads queue
        this.pool = Executors.newFixedThreadPool(Math.max(4, Math.min(64, parallel * 4)), daemon("selkie-jobs-"));
        this.timer = Executors.newSingleThreadScheduledExecutor(daemon("selkie-jobs-timer-"));
        WebSocketServer.Builder builder = WebSocketServer.builder();
        if (tls != null) {
            builder.tls(tls);
        }
        this.server = builder
                .host(host)
                .port(port)
                .maxMessageSize(JobsProtocol.MAX_RAW_LENGTH * 4)
                .maxHttpBodySize(1024)
                .pingInterval(Duration.ofSeconds(30), Duration.ofSeconds(10))
                .httpHandler(page::handle)
                .route("/ws", Endpoint.of(new Listener()).withInterceptor(HandshakeInterceptor.sync(this::decide)))
                .build();
        this.origins = new OriginPolicy(host, server::port, extraOrigins, tls != null);
    }

    /** Binds and starts. */
    public void start() {
        server.start();
    }

    /** Kills every running job's processes, then stops the server (clients get 1001). */
    public void stop(Duration timeout) {
        runs.forEach(JobRun::cancel);
        try {
            server.stop(timeout);
        } finally {
            runs.forEach(JobRun::cancel);
            pool.shutdown();
            timer.shutdownNow();
            try {
                pool.awaitTermination(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** The underlying server. */
    public WebSocketServer server() {
        return server;
    }

    /** The actual port. */
    public int port() {
        return server.port();
    }

    /** The processes of every running job now (for tests and the check that none is left). */
    Set<ProcessHandle> processes() {
        Set<ProcessHandle> all = ConcurrentHashMap.newKeySet();
        runs.forEach(r -> all.addAll(r.processes()));
        return all;
    }

    private HandshakeDecision decide(HttpRequest request) {
        if (!origins.allows(request.origin())) {
            return HandshakeDecision.reject(403, "Origin not allowed\n");
        }
        return HandshakeDecision.accept();
    }

    private static ThreadFactory daemon(String prefix) {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, prefix + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }

    private final class Listener implements WebSocketListener {
        @Override
        public void onOpen(WebSocket ws) {
            ws.attribute(CURRENT, new AtomicReference<>());
            ws.send(JobsProtocol.hello(jobs.values(), JobRun.DurationText.of(timeout), parallel));
        }

        @Override
        public void onText(WebSocket ws, String text) {
            AtomicReference<JobRun> current = ws.attribute(CURRENT).orElseThrow();
            JobsProtocol.Request request;
            try {
                request = JobsProtocol.parse(text, jobs);
            } catch (IllegalArgumentException e) {
                ws.send(JobsProtocol.error(e.getMessage() + "; nothing was run"));
                return;
            }
            if (request instanceof JobsProtocol.Cancel) {
                JobRun run = current.get();
                if (run == null) {
                    ws.send(JobsProtocol.error("no job is running"));
                } else {
                    log.info("Cancelling a job of {}", ws.remoteAddress());
                    run.cancel();
                }
                return;
            }
            JobsProtocol.Run r = (JobsProtocol.Run) request;
            JobRun run = new JobRun(r.job(), r.targets(), timeout, parallel, ws::send, pool, timer);
            if (!current.compareAndSet(null, run)) {
                ws.send(JobsProtocol.error("a job is running already: wait for it or cancel it; nothing was run"));
                return;
            }
            runs.add(run);
            run.done().whenComplete((ignored, failure) -> {
                runs.remove(run);
                current.compareAndSet(run, null);
            });
            log.info("Running job {} for {} target(s) from {}", r.job().name(), r.targets().size(), ws.remoteAddress());
            if (!ws.isOpen()) { // closed meanwhile: onClose may have missed it
                run.cancel();
            }
            run.start();
        }

        @Override
        public void onBinary(WebSocket ws, ByteBuffer data) {
            ws.send(JobsProtocol.error("binary messages are not supported; send JSON text"));
        }

        @Override
        public void onDrain(WebSocket ws) {
            JobRun run = ws.attribute(CURRENT).map(AtomicReference::get).orElse(null);
            if (run != null) {
                run.drained();
            }
        }

        @Override
        public void onClose(WebSocket ws, int code, String reason, boolean remote) {
            JobRun run = ws.attribute(CURRENT).map(AtomicReference::get).orElse(null);
            if (run != null) {
                log.info("Connection from {} closed ({}): cancelling its job", ws.remoteAddress(), code);
                run.cancel();
            }
        }

        @Override
        public void onError(WebSocket ws, Throwable error) {
            log.debug("Jobs connection from {}: {}", ws.remoteAddress(), error.toString());
        }
    }
}
