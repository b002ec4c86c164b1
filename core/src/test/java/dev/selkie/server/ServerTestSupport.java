package dev.selkie.server;

import static org.awaitility.Awaitility.await;

import dev.selkie.WebSocketServer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;

/** Base of the transport's network tests: builds loopback servers and stops them after each test. */
abstract class ServerTestSupport {
    static final Duration STOP = Duration.ofSeconds(2);
    private final List<WebSocketServer> servers = new ArrayList<>();

    /** A builder bound to 127.0.0.1 on a free port. */
    static WebSocketServer.Builder builder() {
        return WebSocketServer.builder().host("127.0.0.1").port(0);
    }

    /** Builds, starts, and registers the server for stopping. */
    WebSocketServer start(WebSocketServer.Builder builder) {
        WebSocketServer server = builder.build();
        server.start();
        servers.add(server);
        return server;
    }

    @AfterEach
    void stopServers() {
        for (WebSocketServer server : servers) {
            server.stop(STOP);
        }
        servers.clear();
    }

    static void awaitNoSelkieThreads() {
        await().atMost(Duration.ofSeconds(10)).until(() -> Thread.getAllStackTraces().keySet().stream()
                .noneMatch(t -> t.getName().startsWith("selkie-") && t.isAlive()));
    }
}
