package dev.selkie.demo.stats;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.selkie.demo.TestClient;
import java.net.http.WebSocketHandshakeException;
import java.time.Duration;
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
        }
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
