package dev.selkie.demo.chat;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.selkie.demo.TestClient;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocketHandshakeException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The chat server over real connections (JDK client), in-process. */
class ChatServerTest {
    private static final Duration WAIT = Duration.ofSeconds(10);

    private ChatServer chat;
    private final List<TestClient> clients = new ArrayList<>();

    @BeforeEach
    void start() {
        chat = new ChatServer("127.0.0.1", 0, List.of());
        chat.start();
    }

    @AfterEach
    void stop() {
        clients.forEach(TestClient::close);
        chat.stop(Duration.ofSeconds(2));
    }

    private String base() {
        return "127.0.0.1:" + chat.port();
    }

    private String wsUrl(String name, String room) {
        return "ws://" + base() + "/ws?name=" + URLEncoder.encode(name, StandardCharsets.UTF_8) + "&room=" + room;
    }

    private TestClient join(String name, String room) throws Exception {
        TestClient c = TestClient.connect(wsUrl(name, room));
        clients.add(c);
        await().atMost(WAIT).until(() -> c.count("\"type\":\"welcome\"") == 1);
        return c;
    }

    private static int handshakeStatus(String url, Map<String, String> headers) {
        ExecutionException e = assertThrows(ExecutionException.class, () -> TestClient.connect(url, headers));
        WebSocketHandshakeException h = assertInstanceOf(WebSocketHandshakeException.class, e.getCause());
        return h.getResponse().statusCode();
    }

    private HttpResponse<String> http(HttpRequest.Builder request) throws Exception {
        return TestClient.http().send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void messagesReachTheirRoomOnly() throws Exception {
        TestClient alice = join("alice", "lobby");
        TestClient bob = join("bob", "lobby");
        TestClient carol = join("carol", "garden");
        await().atMost(WAIT).until(() -> alice.count("\"event\":\"join\",\"name\":\"bob\"") == 1);
        assertTrue(bob.texts.get(0).contains("\"users\":[\"alice\",\"bob\"]"), bob.texts.get(0));

        alice.send("{\"type\":\"message\",\"text\":\"hi bob\"}");
        await().atMost(WAIT).until(() -> bob.count("\"from\":\"alice\",\"text\":\"hi bob\"") == 1);
        await().atMost(WAIT).until(() -> alice.count("\"text\":\"hi bob\"") == 1);

        carol.send("{\"type\":\"message\",\"text\":\"anyone?\"}");
        await().atMost(WAIT).until(() -> carol.count("\"text\":\"anyone?\"") == 1);
        assertEquals(0, carol.count("hi bob"), "another room's message must not arrive");
        assertEquals(0, bob.count("anyone?"));
    }

    @Test
    void presenceTellsWhoIsOnline() throws Exception {
        TestClient alice = join("alice", "lobby");
        TestClient bob = join("bob", "lobby");
        bob.close();
        await().atMost(WAIT).until(() ->
                alice.count("{\"type\":\"presence\",\"event\":\"leave\",\"name\":\"bob\",\"users\":[\"alice\"]}") == 1);
        HttpResponse<String> users = http(HttpRequest.newBuilder(URI.create("http://" + base() + "/users?room=lobby")));
        assertEquals("{\"room\":\"lobby\",\"users\":[\"alice\"]}", users.body());
    }

    @Test
    void aTakenNameIsRefusedWith409BeforeTheUpgradeAndFreedOnLeave() throws Exception {
        TestClient first = join("alice", "lobby");
        assertEquals(409, handshakeStatus(wsUrl("alice", "lobby"), Map.of()));
        join("alice", "other"); // the same name in another room is fine
        first.close();
        await().atMost(WAIT).ignoreExceptions().untilAsserted(() -> {
            try (TestClient again = TestClient.connect(wsUrl("alice", "lobby"))) {
                await().atMost(WAIT).until(() -> again.count("welcome") == 1);
            }
        });
    }

    @Test
    void originMustBeTheServersOwn() throws Exception {
        assertEquals(403, handshakeStatus(wsUrl("mallory", "lobby"), Map.of("Origin", "http://evil.example")));
        TestClient ok = TestClient.connect(wsUrl("alice", "lobby"), Map.of("Origin", "http://" + base()));
        clients.add(ok);
        await().atMost(WAIT).until(() -> ok.count("welcome") == 1);
    }

    @Test
    void invalidNamesRoomsAndPathsAreRefused() {
        assertEquals(400, handshakeStatus("ws://" + base() + "/ws?room=lobby", Map.of()));
        assertEquals(400, handshakeStatus(wsUrl("<b>", "lobby"), Map.of()));
        assertEquals(400, handshakeStatus(wsUrl("alice", "Big%20Room"), Map.of()));
        assertEquals(400, handshakeStatus("ws://" + base() + "/ws?name=a&name=b&room=lobby", Map.of()));
        assertEquals(404, handshakeStatus("ws://" + base() + "/chat?name=a&room=lobby", Map.of()));
    }

    @Test
    void aBadMessageGetsAnErrorForThatClientOnly() throws Exception {
        TestClient alice = join("alice", "lobby");
        TestClient bob = join("bob", "lobby");
        alice.send("{\"type\":\"message\",\"text\":\"x\",\"admin\":true}");
        alice.send("not json");
        alice.send("{\"type\":\"message\",\"text\":\"" + "a".repeat(ChatProtocol.MAX_TEXT_CODE_POINTS + 1) + "\"}");
        alice.send(new byte[] {1, 2, 3});
        await().atMost(WAIT).until(() -> alice.count("\"type\":\"error\"") == 4);
        assertEquals(1, alice.count("unknown field \\\"admin\\\""));
        assertEquals(1, alice.count("too long"));
        assertEquals(1, alice.count("binary messages are not supported"));

        alice.send("{\"type\":\"message\",\"text\":\"still here\"}");
        await().atMost(WAIT).until(() -> bob.count("still here") == 1);
        assertEquals(0, bob.count("\"type\":\"error\""), "errors go to the sender only");
        assertTrue(alice.texts.stream().noneMatch(t -> t.contains("\"text\":\"x\"")), "refused messages are not relayed");
    }

    @Test
    void notifyAnnouncesToEveryRoom() throws Exception {
        TestClient alice = join("alice", "lobby");
        TestClient carol = join("carol", "garden");
        HttpResponse<String> r = http(HttpRequest.newBuilder(URI.create("http://" + base() + "/notify"))
                .POST(HttpRequest.BodyPublishers.ofString("Deploy at 5 \"pm\" ✓", StandardCharsets.UTF_8)));
        assertEquals(202, r.statusCode(), r.body());
        assertEquals("Announced to 2 users\n", r.body());
        for (TestClient c : List.of(alice, carol)) {
            await().atMost(WAIT).until(() -> c.count("\"type\":\"announcement\",\"text\":\"Deploy at 5 \\\"pm\\\" ✓\"") == 1);
        }
    }

    @Test
    void notifyValidatesItsRequest() throws Exception {
        URI notify = URI.create("http://" + base() + "/notify");
        assertEquals(405, http(HttpRequest.newBuilder(notify)).statusCode());
        assertEquals(400, http(HttpRequest.newBuilder(notify).POST(HttpRequest.BodyPublishers.ofString("  "))).statusCode());
        assertEquals(413, http(HttpRequest.newBuilder(notify).POST(HttpRequest.BodyPublishers.ofString(
                "x".repeat(ChatServer.MAX_NOTIFY_BYTES + 1)))).statusCode());
        assertEquals(400, http(HttpRequest.newBuilder(notify).POST(HttpRequest.BodyPublishers.ofByteArray(
                new byte[] {'h', (byte) 0xc3, 'i'}))).statusCode());
        assertEquals(403, http(HttpRequest.newBuilder(notify).header("Origin", "http://evil.example")
                .POST(HttpRequest.BodyPublishers.ofString("pwned"))).statusCode());
    }

    @Test
    void servesThePageWithStableIdsAndNothingFromOtherOrigins() throws Exception {
        HttpResponse<String> page = http(HttpRequest.newBuilder(URI.create("http://" + base() + "/")));
        assertEquals(200, page.statusCode());
        for (String id : List.of("name", "room", "join", "message", "send", "messages", "users")) {
            assertTrue(page.body().contains("id=\"" + id + "\""), "missing id " + id);
        }
        assertTrue(page.body().contains("src=\"/chat.js\"") && page.body().contains("href=\"/chat.css\""));
        assertTrue(!page.body().contains("http://") && !page.body().contains("https://"), "no CDN");
        assertTrue(page.headers().firstValue("Content-Security-Policy").orElse("").contains("default-src 'self'"));
        HttpResponse<String> js = http(HttpRequest.newBuilder(URI.create("http://" + base() + "/chat.js")));
        assertEquals("text/javascript; charset=utf-8", js.headers().firstValue("Content-Type").orElse(""));
        assertEquals(404, http(HttpRequest.newBuilder(URI.create("http://" + base() + "/nope"))).statusCode());
    }

    @Test
    void stoppingTheServerClosesUsersWith1001() throws Exception {
        TestClient alice = join("alice", "lobby");
        chat.stop(Duration.ofSeconds(5));
        assertEquals(1001, alice.closeCode.get(10, TimeUnit.SECONDS));
    }
}
