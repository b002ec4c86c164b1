package dev.selkie.demo;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.selkie.WebSocketServer;
import java.net.http.WebSocketHandshakeException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** What the benchmark kit expects of {@code bench-server}. */
class BenchServerTest {
    private static final Duration WAIT = Duration.ofSeconds(10);

    private WebSocketServer server;
    private final List<TestClient> clients = new ArrayList<>();

    @BeforeEach
    void start() {
        server = BenchServerCommand.build("127.0.0.1", 0, 2, 4096, dev.selkie.Compression.shared(), null);
        server.start();
    }

    @AfterEach
    void stop() {
        clients.forEach(TestClient::close);
        server.stop(Duration.ofSeconds(2));
    }

    private TestClient connect(String path) throws Exception {
        TestClient c = TestClient.connect("ws://127.0.0.1:" + server.port() + path);
        clients.add(c);
        return c;
    }

    @Test
    void echoEchoesTextAndBinary() throws Exception {
        TestClient c = connect("/echo");
        c.send("ping 1");
        c.send(new byte[] {9, 8, 7});
        await().atMost(WAIT).until(() -> c.texts.size() == 1 && c.binaries.size() == 1);
        assertEquals("ping 1", c.texts.get(0));
        assertArrayEquals(new byte[] {9, 8, 7}, c.binaries.get(0));
    }

    @Test
    void chatRelaysEveryMessageToEveryChatConnectionSenderIncluded() throws Exception {
        TestClient a = connect("/chat");
        TestClient b = connect("/chat");
        TestClient echo = connect("/echo");
        await().atMost(WAIT).until(() -> server.subscriberCount(BenchServerCommand.CHAT_TOPIC) == 2);
        a.send("from a");
        b.send(new byte[] {1});
        for (TestClient c : List.of(a, b)) {
            await().atMost(WAIT).until(() -> c.texts.contains("from a") && c.binaries.size() == 1);
        }
        echo.send("mine");
        await().atMost(WAIT).until(() -> echo.texts.size() == 1);
        assertEquals(List.of("mine"), echo.texts, "/echo connections are not chat subscribers");
    }

    @Test
    void aPlainPortBesideTlsSharesTheChatTopic() throws Exception {
        dev.selkie.demo.tls.SelfSignedCertificate certificate = dev.selkie.demo.tls.SelfSignedCertificate.generate();
        WebSocketServer both = BenchServerCommand.build("127.0.0.1", 0, 2, 4096, dev.selkie.Compression.shared(),
                certificate.tls(), 0);
        both.start();
        try (TestClient secure = TestClient.connect("wss://localhost:" + both.port() + "/chat", java.util.Map.of(),
                     TestClient.trusting(certificate.certificate()));
             TestClient plain = TestClient.connect("ws://127.0.0.1:" + both.plainPort() + "/chat")) {
            await().atMost(WAIT).until(() -> both.subscriberCount(BenchServerCommand.CHAT_TOPIC) == 2);
            plain.send("over ws");
            secure.send("over wss");
            for (TestClient c : List.of(secure, plain)) {
                await().atMost(WAIT).until(() -> c.texts.size() == 2);
                assertEquals(java.util.Set.of("over ws", "over wss"), java.util.Set.copyOf(c.texts));
            }
        } finally {
            both.stop(Duration.ofSeconds(2));
        }
    }

    @Test
    void otherPathsAre404() {
        ExecutionException e = assertThrows(ExecutionException.class, () -> connect("/nope"));
        assertEquals(404, assertInstanceOf(WebSocketHandshakeException.class, e.getCause()).getResponse().statusCode());
    }
}
