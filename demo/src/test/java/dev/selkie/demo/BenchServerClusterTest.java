package dev.selkie.demo;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.selkie.Compression;
import dev.selkie.WebSocketServer;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@code bench-server --redis}: the /chat relay spans two bench servers on one real redis-server. */
class BenchServerClusterTest {
    private static final Duration WAIT = Duration.ofSeconds(10);

    private static WebSocketServer bench(RedisServer redis, String id) {
        WebSocketServer server = BenchServerCommand.build("127.0.0.1", 0, 1, 128, Compression.shared(), null, -1,
                RedisConnection.open(redis.uri(), id + "-" + System.nanoTime()));
        server.start();
        return server;
    }

    @Test
    void chatIsRelayedAcrossBenchServersTextAndBinary() throws Exception {
        try (RedisServer redis = RedisServer.start()) {
            WebSocketServer one = bench(redis, "bench-one");
            WebSocketServer two = bench(redis, "bench-two");
            try (TestClient a = TestClient.connect("ws://127.0.0.1:" + one.port() + "/chat");
                 TestClient b = TestClient.connect("ws://127.0.0.1:" + two.port() + "/chat")) {
                await("b's server subscribed in Redis").atMost(WAIT).ignoreExceptions().untilAsserted(() -> {
                    a.send("probe");
                    await().atMost(Duration.ofSeconds(1)).until(() -> b.texts.contains("probe"));
                });
                a.send("from one");
                b.send(new byte[] {4, 2});
                for (TestClient c : List.of(a, b)) {
                    await().atMost(WAIT).until(() -> c.texts.contains("from one") && c.binaries.size() == 1);
                    assertEquals(1, c.count("from one"), "exactly once: " + c.texts);
                    assertArrayEquals(new byte[] {4, 2}, c.binaries.get(0), "binary stays binary");
                }
            } finally {
                one.stop(Duration.ofSeconds(2));
                two.stop(Duration.ofSeconds(2));
            }
        }
    }
}
