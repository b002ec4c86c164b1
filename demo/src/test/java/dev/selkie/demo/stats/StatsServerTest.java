package dev.selkie.demo.stats;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.jr.ob.JSON;
import dev.selkie.demo.TestClient;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocketHandshakeException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class StatsServerTest {
    private StatsServer stats;

    @BeforeEach
    void start() {
        stats = new StatsServer("127.0.0.1", 0, Duration.ofMillis(200));
        stats.start();
    }

    @AfterEach
    void stop() {
        stats.stop(Duration.ofSeconds(2));
    }

    @Test
    void pushesSamplesToDashboardsAndCountsEchoTraffic() throws Exception {
        try (TestClient dashboard = TestClient.connect("ws://127.0.0.1:" + stats.port() + "/ws");
             TestClient load = TestClient.connect("ws://127.0.0.1:" + stats.port() + "/echo")) {
            load.send("x");
            await().atMost(Duration.ofSeconds(10)).until(() -> load.texts.size() == 1);
            await().atMost(Duration.ofSeconds(10)).until(() ->
                    dashboard.texts.stream().anyMatch(t -> t.contains("\"connections\":2")));
            assertTrue(dashboard.texts.stream().allMatch(t -> t.startsWith("{\"type\":\"stats\"")));
            assertEquals(0, load.count("stats"), "echo connections get no samples");

            Map<String, Object> sample = JSON.std.mapFrom(dashboard.texts.get(dashboard.texts.size() - 1));
            List<?> cores = assertInstanceOf(List.class, sample.get("cpuCores"), "busy percent per core");
            assertFalse(cores.isEmpty());
            if (Files.isReadable(Path.of("/proc/stat"))) {
                assertEquals("proc-stat", sample.get("cpuSource"));
                long cpuLines = Files.readAllLines(Path.of("/proc/stat")).stream()
                        .filter(l -> l.matches("cpu[0-9]+ .*")).count();
                assertEquals(cpuLines, cores.size(), "one entry per cpuN line of /proc/stat");
            } else {
                assertEquals("jvm", sample.get("cpuSource"));
                assertEquals(1, cores.size());
            }
            for (Object busy : cores) {
                assertTrue(busy == null || ((Number) busy).doubleValue() >= 0 && ((Number) busy).doubleValue() <= 100,
                        "a percentage: " + busy);
            }
        }
    }

    @Test
    void servesThePrometheusTextAtMetrics() throws Exception {
        try (TestClient load = TestClient.connect("ws://127.0.0.1:" + stats.port() + "/echo")) {
            load.send("x");
            load.send("y");
            await().atMost(Duration.ofSeconds(10)).until(() -> load.texts.size() == 2);
            // the metrics snapshot may be up to a second old: wait for the counts to reach it
            await().atMost(Duration.ofSeconds(10)).until(() -> scrape().body().contains("selkie_messages_received_total 2.0"));
            HttpResponse<String> response = scrape();
            assertEquals(200, response.statusCode());
            assertTrue(response.headers().firstValue("Content-Type").orElse("").startsWith("text/plain; version=0.0.4"));
            String text = response.body();
            assertTrue(text.contains("# TYPE selkie_connections_open gauge"), text);
            assertTrue(text.contains("selkie_connections_open 1.0"), text);
            assertTrue(text.contains("selkie_handshakes_accepted_total 1.0"), text);
            assertTrue(text.contains("selkie_messages_sent_total 2.0"), text);
            assertTrue(text.contains("selkie_handshakes_rejected_total{reason=\"not_found\"} 0.0"), text);
            assertTrue(text.contains("selkie_closes_total{code=\"1000\"} 0.0"), text);
            assertTrue(text.contains("selkie_ping_rtt_seconds_count 0"), text);
            assertTrue(text.lines().anyMatch(l -> l.matches("selkie_data_received_bytes_total [1-9][0-9]*\\.0")), text);
        }
        // a rejected upgrade (no route: 404) shows up too
        assertThrows(ExecutionException.class, () -> TestClient.connect("ws://127.0.0.1:" + stats.port() + "/x"));
        await().atMost(Duration.ofSeconds(10)).until(() ->
                scrape().body().contains("selkie_handshakes_rejected_total{reason=\"not_found\"} 1.0"));
    }

    @Test
    void servesEChartsFromTheJarUnderTheSameStrictHeaders() throws Exception {
        HttpResponse<String> js = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + stats.port() + "/echarts.min.js"))
                        .timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, js.statusCode());
        assertEquals("text/javascript; charset=utf-8", js.headers().firstValue("Content-Type").orElse(""));
        assertTrue(js.headers().firstValue("Content-Security-Policy").orElse("").contains("script-src 'self';"));
        assertTrue(js.body().length() > 500_000 && js.body().contains("echarts"), "the whole minified ECharts");
        assertTrue(js.body().contains("Licensed to the Apache Software Foundation")
                && js.body().contains("getInstanceByDom"), "the UMD bundle, its licence header kept");
    }

    private HttpResponse<String> scrape() throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + stats.port() + "/metrics")).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void refusesForeignOriginsAndUnknownPaths() {
        ExecutionException e = assertThrows(ExecutionException.class, () -> TestClient.connect(
                "ws://127.0.0.1:" + stats.port() + "/ws", Map.of("Origin", "http://evil.example")));
        assertEquals(403, assertInstanceOf(WebSocketHandshakeException.class, e.getCause()).getResponse().statusCode());
        e = assertThrows(ExecutionException.class, () -> TestClient.connect("ws://127.0.0.1:" + stats.port() + "/x"));
        assertEquals(404, assertInstanceOf(WebSocketHandshakeException.class, e.getCause()).getResponse().statusCode());
    }
}
