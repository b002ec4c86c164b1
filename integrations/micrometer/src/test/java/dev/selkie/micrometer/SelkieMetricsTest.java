package dev.selkie.micrometer;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.selkie.RejectionReason;
import dev.selkie.WebSocket;
import dev.selkie.WebSocketListener;
import dev.selkie.WebSocketServer;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.FunctionTimer;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class SelkieMetricsTest {
    private static final Duration WAIT = Duration.ofSeconds(10);

    private WebSocketServer server;
    private final MeterRegistry registry = new SimpleMeterRegistry();
    private final AtomicInteger closed = new AtomicInteger();

    @BeforeEach
    void start() {
        server = WebSocketServer.builder()
                .host("127.0.0.1")
                .port(0)
                .pingInterval(Duration.ofMillis(50), Duration.ofSeconds(5))
                .listener(new WebSocketListener() {
                    @Override
                    public void onText(WebSocket ws, String text) {
                        ws.send(text);
                    }

                    @Override
                    public void onClose(WebSocket ws, int code, String reason, boolean remote) {
                        closed.incrementAndGet();
                    }
                })
                .build();
        server.start();
        SelkieMetrics.builder(server).tags("app", "test").closeCodes(4001).snapshotMaxAge(Duration.ZERO).build()
                .bindTo(registry);
    }

    @AfterEach
    void stop() {
        server.stop(Duration.ofSeconds(2));
    }

    private double counter(String name, String... tags) {
        FunctionCounter c = registry.find(name).tags("app", "test").tags(tags).functionCounter();
        assertNotNull(c, name + " " + String.join(",", tags));
        return c.count();
    }

    private double gauge(String name, String... tags) {
        Gauge g = registry.find(name).tags("app", "test").tags(tags).gauge();
        assertNotNull(g, name);
        return g.value();
    }

    @Test
    void theMetersShowWhatAClientDid() throws Exception {
        AtomicInteger echoes = new AtomicInteger();
        java.net.http.WebSocket client = HttpClient.newHttpClient().newWebSocketBuilder()
                .buildAsync(URI.create("ws://127.0.0.1:" + server.port() + "/"), new java.net.http.WebSocket.Listener() {
                    @Override
                    public CompletionStage<?> onText(java.net.http.WebSocket ws, CharSequence data, boolean last) {
                        echoes.incrementAndGet();
                        ws.request(1);
                        return null;
                    }
                }).get(10, TimeUnit.SECONDS);
        await().atMost(WAIT).until(() -> gauge("selkie.connections.open") == 1.0);
        for (int i = 0; i < 3; i++) {
            client.sendText("hello", true).get(10, TimeUnit.SECONDS);
        }
        await().atMost(WAIT).until(() -> echoes.get() == 3);
        assertEquals(3.0, counter("selkie.messages.received"));
        assertEquals(3.0, counter("selkie.messages.sent"));
        assertEquals(1.0, counter("selkie.handshakes.accepted"));
        assertTrue(counter("selkie.data.received") > 3 * 11, "the head and three masked frames");
        assertTrue(counter("selkie.data.sent") >= 3 * 7, "three frames");
        assertEquals("bytes", registry.find("selkie.data.received").functionCounter().getId().getBaseUnit());

        // keep-alive pings every 50 ms, answered by the JDK client
        FunctionTimer rtt = registry.find("selkie.ping.rtt").tags("app", "test").functionTimer();
        assertNotNull(rtt);
        await().atMost(WAIT).until(() -> rtt.count() >= 2);
        assertTrue(rtt.totalTime(TimeUnit.MICROSECONDS) > 0);
        assertTrue(gauge("selkie.ping.rtt.max") > 0);
        double p99 = gauge("selkie.ping.rtt.percentile", "quantile", "0.99");
        assertTrue(p99 > 0 && p99 <= gauge("selkie.ping.rtt.max"), "p99 " + p99);

        client.sendClose(4001, "done").get(10, TimeUnit.SECONDS);
        await().atMost(WAIT).until(() -> closed.get() == 1);
        assertEquals(1.0, counter("selkie.closes", "code", "4001"));
        assertEquals(0.0, counter("selkie.closes", "code", "1000"));
        assertEquals(0.0, gauge("selkie.connections.open"));
    }

    @Test
    void rejectedHandshakesAreCountedByReason() throws Exception {
        assertEquals(RejectionReason.values().length,
                registry.find("selkie.handshakes.rejected").functionCounters().size(), "every reason up front");
        String answer = exchange("GET / HTTP/1.1\r\nHost: localhost\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 8\r\n\r\n");
        assertTrue(answer.startsWith("HTTP/1.1 426"), answer);
        answer = exchange("GET / HTTP/1.1\r\nHost: localhost\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                + "Sec-WebSocket-Version: 13\r\n\r\n");
        assertTrue(answer.startsWith("HTTP/1.1 400"), answer);
        await().atMost(WAIT).until(() -> counter("selkie.handshakes.rejected", "reason", "bad_request") == 1.0);
        assertEquals(1.0, counter("selkie.handshakes.rejected", "reason", "upgrade_required"));
        assertEquals(0.0, counter("selkie.handshakes.rejected", "reason", "not_found"));
        assertEquals(0.0, counter("selkie.handshakes.accepted"));
    }

    @Test
    void closeCodesWithoutAMeterOfTheirOwnAreCountedAsOther() throws Exception {
        java.net.http.WebSocket client = HttpClient.newHttpClient().newWebSocketBuilder()
                .buildAsync(URI.create("ws://127.0.0.1:" + server.port() + "/"),
                        new java.net.http.WebSocket.Listener() { })
                .get(10, TimeUnit.SECONDS);
        client.sendClose(4321, "bye").get(10, TimeUnit.SECONDS);
        await().atMost(WAIT).until(() -> counter("selkie.closes", "code", "other") == 1.0);
        assertNull(registry.find("selkie.closes").tags("code", "4321").meter(), "no meter per client-chosen code");
        assertEquals(17 + 1, registry.find("selkie.closes").functionCounters().size(), "1000-1015, 4001, other");
    }

    @Test
    void aScrapeReadsOneSnapshot() {
        AtomicInteger snapshots = new AtomicInteger();
        MeterRegistry other = new SimpleMeterRegistry();
        SelkieMetrics.builder(() -> {
            snapshots.incrementAndGet();
            return server.metrics();
        }).snapshotMaxAge(Duration.ofMinutes(1)).build().bindTo(other);
        for (Meter meter : other.getMeters()) {
            meter.measure().forEach(measurement -> measurement.getValue());
        }
        assertEquals(1, snapshots.get(), "one snapshot for " + other.getMeters().size() + " meters");
    }

    @Test
    void optionsAreChecked() {
        assertThrows(IllegalArgumentException.class, () -> SelkieMetrics.builder(server).closeCodes(999));
        assertThrows(IllegalArgumentException.class, () -> SelkieMetrics.builder(server).snapshotMaxAge(Duration.ofSeconds(-1)));
        new SelkieMetrics(server, Tags.of("a", "b")).bindTo(registry);
        assertNotNull(registry.find("selkie.connections.open").tags("a", "b").gauge());
    }

    /** Sends {@code request} on a fresh connection and returns what the server answered before closing. */
    private String exchange(String request) throws Exception {
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), server.port())) {
            socket.setSoTimeout(10_000);
            OutputStream out = socket.getOutputStream();
            out.write(request.getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = socket.getInputStream();
            return new String(in.readAllBytes(), StandardCharsets.US_ASCII);
        }
    }

}
