package dev.selkie.demo.chat;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.selkie.Compression;
import dev.selkie.demo.RedisConnection;
import dev.selkie.demo.RedisServer;
import dev.selkie.demo.TestClient;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocketHandshakeException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Two chat servers on one real redis-server ({@code chat --redis}): rooms, presence and announcements span both. */
class ChatClusterTest {
    private static final Duration WAIT = Duration.ofSeconds(10);

    private static RedisServer redis;

    private final List<ChatServer> servers = new ArrayList<>();
    private final List<TestClient> clients = new ArrayList<>();
    private ChatServer a;
    private ChatServer b;

    @BeforeAll
    static void redis() throws Exception {
        redis = RedisServer.start();
    }

    @AfterAll
    static void stopRedis() {
        if (redis != null) {
            redis.close();
        }
    }

    @BeforeEach
    void start() {
        a = chat(redis.uri(), "chat-a");
        b = chat(redis.uri(), "chat-b");
    }

    @AfterEach
    void stop() {
        clients.forEach(TestClient::close);
        servers.forEach(s -> s.stop(Duration.ofSeconds(2)));
    }

    private ChatServer chat(String uri, String id) {
        ChatServer chat = new ChatServer("127.0.0.1", 0, List.of(), Compression.shared(), null,
                RedisConnection.open(uri, id + "-" + System.nanoTime()));
        servers.add(chat);
        chat.start();
        return chat;
    }

    private static String wsUrl(ChatServer on, String name, String room) {
        return "ws://127.0.0.1:" + on.port() + "/ws?name=" + name + "&room=" + room;
    }

    private TestClient join(ChatServer on, String name, String room) throws Exception {
        TestClient c = TestClient.connect(wsUrl(on, name, room));
        clients.add(c);
        await("welcome of " + name).atMost(WAIT).until(() -> c.count("\"type\":\"welcome\"") == 1);
        return c;
    }

    /** The users list of the last presence (or welcome) message {@code c} got. */
    private static String lastUsers(TestClient c) {
        for (int i = c.texts.size() - 1; i >= 0; i--) {
            String t = c.texts.get(i);
            if (t.contains("\"type\":\"presence\"") || t.contains("\"type\":\"welcome\"")) {
                return t.substring(t.indexOf("\"users\":"));
            }
        }
        return "";
    }

    private static String users(ChatServer on, String room) throws Exception {
        return TestClient.http().send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + on.port() + "/users?room=" + room)).build(),
                HttpResponse.BodyHandlers.ofString()).body();
    }

    @Test
    void usersOnTwoServersShareTheirRoomAndAnotherRoomSeesNeither() throws Exception {
        TestClient alice = join(a, "alice", "lobby");
        TestClient bob = join(b, "bob", "lobby");
        TestClient carol = join(b, "carol", "garden");
        assertTrue(bob.texts.get(0).contains("\"users\":[\"alice\",\"bob\"]"), "bob's welcome lists alice: " + bob.texts);
        await("alice hears bob joined on the other server").atMost(WAIT)
                .until(() -> lastUsers(alice).equals("\"users\":[\"alice\",\"bob\"]}"));
        assertEquals("{\"room\":\"lobby\",\"users\":[\"alice\",\"bob\"]}", users(a, "lobby"));
        assertEquals("{\"room\":\"lobby\",\"users\":[\"alice\",\"bob\"]}", users(b, "lobby"));

        alice.send("{\"type\":\"message\",\"text\":\"hi from a\"}");
        bob.send("{\"type\":\"message\",\"text\":\"hi from b\"}");
        for (TestClient c : List.of(alice, bob)) {
            await().atMost(WAIT).until(() -> c.count("\"from\":\"alice\",\"text\":\"hi from a\"") == 1
                    && c.count("\"from\":\"bob\",\"text\":\"hi from b\"") == 1);
        }
        carol.send("{\"type\":\"message\",\"text\":\"garden only\"}");
        await().atMost(WAIT).until(() -> carol.count("garden only") == 1 && bob.count("garden only") == 0);
        await().atMost(WAIT).until(() -> alice.count("garden only") == 0);
        assertEquals(0, carol.count("hi from"), "the lobby's messages stay in the lobby: " + carol.texts);
        assertEquals("\"users\":[\"carol\"]}", lastUsers(carol), "carol sees her room's users only");
        assertEquals(0, carol.count("alice"), carol.texts.toString());
        // carol's own later message arriving after all that shows nothing of the lobby was queued before it
        carol.send("{\"type\":\"message\",\"text\":\"last\"}");
        await().atMost(WAIT).until(() -> carol.count("\"text\":\"last\"") == 1);
        assertEquals(0, carol.count("hi from"));
    }

    @Test
    void aLeaveOnOneServerUpdatesTheOtherServersList() throws Exception {
        TestClient alice = join(a, "alice", "lobby");
        TestClient bob = join(b, "bob", "lobby");
        await().atMost(WAIT).until(() -> lastUsers(alice).equals("\"users\":[\"alice\",\"bob\"]}"));
        bob.close();
        await("alice sees bob leave").atMost(WAIT).until(() -> alice.count(
                "{\"type\":\"presence\",\"event\":\"leave\",\"name\":\"bob\",\"users\":[\"alice\"]}") == 1);
        assertEquals("{\"room\":\"lobby\",\"users\":[\"alice\"]}", users(b, "lobby"));
    }

    @Test
    void aNameTakenOnOneServerIsRefusedWith409OnTheOtherAndFreedOnLeave() throws Exception {
        TestClient first = join(a, "alice", "lobby");
        ExecutionException e = assertThrows(ExecutionException.class, () -> TestClient.connect(wsUrl(b, "alice", "lobby")));
        assertEquals(409, assertInstanceOf(WebSocketHandshakeException.class, e.getCause()).getResponse().statusCode());
        join(b, "alice", "garden"); // another room is fine
        first.close();
        await().atMost(WAIT).until(() -> users(a, "lobby").equals("{\"room\":\"lobby\",\"users\":[]}"));
        join(b, "alice", "lobby");
    }

    @Test
    void anAnnouncementReachesTheUsersOfEveryServer() throws Exception {
        TestClient alice = join(a, "alice", "lobby");
        TestClient bob = join(b, "bob", "garden");
        HttpResponse<String> r = TestClient.http().send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + a.port() + "/notify"))
                .POST(HttpRequest.BodyPublishers.ofString("Maintenance at noon")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(202, r.statusCode(), r.body());
        for (TestClient c : List.of(alice, bob)) {
            await().atMost(WAIT).until(() -> c.count("\"type\":\"announcement\",\"text\":\"Maintenance at noon\"") == 1);
        }
    }

    @Test
    void aServerStartedBeforeRedisServesItsOwnUsersAndJoinsWhenRedisComesUp() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        ChatServer early = chat("redis://127.0.0.1:" + port, "chat-early");
        TestClient alice = join(early, "alice", "lobby");
        assertTrue(alice.texts.get(0).contains("\"users\":[\"alice\"]"), alice.texts.toString());
        alice.send("{\"type\":\"message\",\"text\":\"alone\"}");
        await().atMost(WAIT).until(() -> alice.count("\"text\":\"alone\"") == 1);

        try (RedisServer late = RedisServer.start(port)) {
            await("the connection is retried").atMost(Duration.ofSeconds(20)).until(() -> early.redis().connected());
            ChatServer other = chat(late.uri(), "chat-other");
            TestClient bob = join(other, "bob", "lobby");
            await("alice's room is subscribed in Redis now").atMost(WAIT).ignoreExceptions().untilAsserted(() -> {
                bob.send("{\"type\":\"message\",\"text\":\"anyone?\"}");
                await().atMost(Duration.ofSeconds(1)).until(() -> alice.count("anyone?") > 0);
            });
        }
    }
}
