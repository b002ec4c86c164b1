package dev.selkie.demo.stats;

import dev.selkie.Tls;
import dev.selkie.HandshakeDecision;
import dev.selkie.HandshakeInterceptor;
import dev.selkie.HttpResponse;
import dev.selkie.WebSocket;
import dev.selkie.WebSocketListener;
import dev.selkie.WebSocketServer;
import dev.selkie.demo.web.OriginPolicy;
import dev.selkie.demo.web.WebResources;
import dev.selkie.micrometer.SelkieMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The live dashboard: page at {@code /}, samples pushed every second to the subscribers of the
 * {@value #TOPIC} topic ({@code /ws}), and an echo endpoint at {@code /echo} to put load on the server
 * (a load generator, or the page's own "generate load" button). {@code /metrics} serves the server's
 * meters in the Prometheus text format, through selkie-micrometer.
 */
public final class StatsServer {
    /** The topic dashboard connections subscribe to. */
    public static final String TOPIC = "stats";

    private static final Logger log = LoggerFactory.getLogger(StatsServer.class);

    private final WebSocketServer server;
    private final OriginPolicy origins;
    private final StatsSampler sampler;
    private final Duration period;
    private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "stats-sampler");
        t.setDaemon(true);
        return t;
    });
    private volatile String latest;
    private final PrometheusMeterRegistry prometheus = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);

    /**
     * @param host the interface to bind
     * @param port the port, 0 for any free port
     * @param period how often to sample and push
     */
    public StatsServer(String host, int port, Duration period) {
        this(host, port, period, null);
    }

    /** The same over TLS ({@code wss://}, the page on {@code https://}) unless {@code tls} is null. */
    public StatsServer(String host, int port, Duration period, Tls tls) {
        this.period = period;
        WebResources page = new WebResources(Map.of(
                "/", "stats.html", "/stats.js", "stats.js", "/demo.css", "demo.css",
                // the charts: Apache ECharts from its WebJar, served by this server (no CDN)
                "/echarts.min.js", WebResources.webJar("echarts", "dist/echarts.min.js")));
        WebSocketServer.Builder builder = WebSocketServer.builder();
        if (tls != null) {
            builder.tls(tls);
        }
        this.server = builder
                .host(host)
                .port(port)
                .handshakeInterceptor(HandshakeInterceptor.sync(request -> origins().allows(request.origin())
                        ? HandshakeDecision.accept() : HandshakeDecision.reject(403, "Origin not allowed\n")))
                .httpHandler(request -> "/metrics".equals(request.path()) ? scrape() : page.handle(request))
                .route("/ws", new Dashboard())
                .route("/echo", new dev.selkie.demo.Echo()) // load that shows on the dashboard
                .build();
        this.origins = new OriginPolicy(host, server::port, List.of(), tls != null);
        this.sampler = new StatsSampler(server::metrics, System::nanoTime, System::currentTimeMillis);
        new SelkieMetrics(server).bindTo(prometheus);
    }

    /** The meters in the Prometheus text format (version 0.0.4). */
    private HttpResponse scrape() {
        return HttpResponse.of(200, "text/plain; version=0.0.4; charset=utf-8",
                prometheus.scrape().getBytes(StandardCharsets.UTF_8));
    }

    private OriginPolicy origins() {
        return origins;
    }

    /** Starts the server and the sampler. */
    public void start() {
        server.start();
        scheduler.scheduleAtFixedRate(this::push, 0, period.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Stops the sampler and the server (clients get 1001). */
    public void stop(Duration timeout) {
        scheduler.shutdownNow();
        server.stop(timeout);
        prometheus.close();
    }

    /** The underlying server. */
    public WebSocketServer server() {
        return server;
    }

    /** The actual port. */
    public int port() {
        return server.port();
    }

    private void push() {
        try {
            String sample = sampler.sample();
            latest = sample;
            if (server.subscriberCount(TOPIC) > 0) {
                server.publish(TOPIC, sample);
            }
        } catch (RuntimeException e) {
            // a failed sample must not cancel the schedule
            log.warn("Stats sample failed", e);
        }
    }

    /** {@code /ws}: the dashboard, subscribed to the samples. */
    private final class Dashboard implements WebSocketListener {
        @Override
        public void onOpen(WebSocket ws) {
            ws.subscribe(TOPIC);
            String sample = latest;
            if (sample != null) {
                ws.send(sample);
            }
            log.info("Dashboard opened from {}", ws.remoteAddress());
        }

        @Override
        public void onClose(WebSocket ws, int code, String reason, boolean remote) {
            log.info("Dashboard from {} closed ({})", ws.remoteAddress(), code);
        }
    }
}
