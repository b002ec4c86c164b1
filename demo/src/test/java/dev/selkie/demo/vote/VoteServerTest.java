package dev.selkie.demo.vote;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.selkie.demo.TestClient;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocketHandshakeException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The vote server over real connections (JDK client), in-process. */
class VoteServerTest {
    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final Pattern COOKIE = Pattern.compile("selkie_vote=([0-9a-f]{32}); Path=/; HttpOnly; SameSite=Strict");

    private VoteServer vote;
    private final List<TestClient> clients = new ArrayList<>();

    @BeforeEach
    void start() {
        vote = new VoteServer("127.0.0.1", 0, List.of("Tabs", "Spaces", "Both"), List.of(), null);
        vote.start();
    }

    @AfterEach
    void stop() {
        clients.forEach(TestClient::close);
        vote.stop(Duration.ofSeconds(2));
    }

    private String base() {
        return "127.0.0.1:" + vote.port();
    }

    private HttpResponse<String> http(HttpRequest.Builder request) throws Exception {
        return TestClient.http().send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> login(String form) throws Exception {
        return login(form, Map.of());
    }

    private HttpResponse<String> login(String form, Map<String, String> headers) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://" + base() + "/login"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form));
        headers.forEach(b::header);
        return http(b);
    }

    /** Signs {@code name} in and returns the cookie header value to send. */
    private String cookie(String name) throws Exception {
        HttpResponse<String> r = login("name=" + name);
        assertEquals(200, r.statusCode(), r.body());
        Matcher m = COOKIE.matcher(r.headers().firstValue("Set-Cookie").orElse(""));
        assertTrue(m.matches(), r.headers().map().toString());
        return "selkie_vote=" + m.group(1);
    }

    private TestClient open(String cookie) throws Exception {
        TestClient c = TestClient.connect("ws://" + base() + "/ws", Map.of("Cookie", cookie));
        clients.add(c);
        await().atMost(WAIT).until(() -> c.count("\"type\":\"welcome\"") == 1);
        return c;
    }

    private int handshakeStatus(Map<String, String> headers) {
        ExecutionException e = assertThrows(ExecutionException.class,
                () -> TestClient.connect("ws://" + base() + "/ws", headers));
        return assertInstanceOf(WebSocketHandshakeException.class, e.getCause()).getResponse().statusCode();
    }

    private HttpResponse<String> notify(byte[] body) throws Exception {
        return http(HttpRequest.newBuilder(URI.create("http://" + base() + "/notify"))
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)));
    }

    @Test
    void loginSetsARandomHttpOnlyStrictSessionCookie() throws Exception {
        HttpResponse<String> r = login("name=alice");
        assertEquals(200, r.statusCode(), r.body());
        assertEquals("{\"name\":\"alice\",\"vote\":null}", r.body());
        assertEquals(1, r.headers().allValues("Set-Cookie").size());
        assertTrue(COOKIE.matcher(r.headers().firstValue("Set-Cookie").get()).matches(), r.headers().map().toString());
        assertNotEquals(cookie("alice"), cookie("alice"), "a fresh id for every sign-in");

        HttpResponse<String> me = http(HttpRequest.newBuilder(URI.create("http://" + base() + "/session"))
                .header("Cookie", cookie("Zoë B")));
        assertEquals(200, me.statusCode());
        assertEquals("{\"name\":\"Zoë B\",\"vote\":null}", me.body());
        assertEquals(401, http(HttpRequest.newBuilder(URI.create("http://" + base() + "/session"))).statusCode());
    }

    @Test
    void overTlsTheCookieIsSecure() throws Exception {
        dev.selkie.demo.tls.SelfSignedCertificate self = dev.selkie.demo.tls.SelfSignedCertificate.generate();
        VoteServer tls = new VoteServer("127.0.0.1", 0, List.of("a", "b"), List.of(), self.tls());
        tls.start();
        try {
            java.net.http.HttpClient client = TestClient.trusting(self.certificate());
            HttpResponse<String> r = client.send(HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + tls.port() + "/login"))
                    .header("Content-Type", "application/x-www-form-urlencoded")
                    .POST(HttpRequest.BodyPublishers.ofString("name=alice")).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(200, r.statusCode(), r.body());
            String cookie = r.headers().firstValue("Set-Cookie").orElse("");
            assertTrue(cookie.matches("selkie_vote=[0-9a-f]{32}; Path=/; HttpOnly; SameSite=Strict; Secure"), cookie);
            try (TestClient c = TestClient.connect("wss://127.0.0.1:" + tls.port() + "/ws",
                    Map.of("Cookie", cookie.split(";", 2)[0]), client)) {
                await().atMost(WAIT).until(() -> c.count("\"type\":\"welcome\"") == 1);
            }
        } finally {
            tls.stop(Duration.ofSeconds(2));
        }
    }

    @Test
    void loginValidatesTheForm() throws Exception {
        assertEquals(400, login("").statusCode());
        assertEquals(400, login("name=").statusCode());
        assertEquals(400, login("name=%3Cb%3E").statusCode());
        assertEquals(400, login("name=" + "a".repeat(25)).statusCode());
        assertEquals(400, login("name=a&name=b").statusCode());
        assertEquals(400, login("name=a&admin=1").statusCode());
        assertEquals(400, login("name=%ZZ").statusCode());
        assertEquals(403, login("name=a", Map.of("Origin", "http://evil.example")).statusCode());
        HttpResponse<String> json = http(HttpRequest.newBuilder(URI.create("http://" + base() + "/login"))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString("{\"name\":\"a\"}")));
        assertEquals(415, json.statusCode());
        assertEquals(405, http(HttpRequest.newBuilder(URI.create("http://" + base() + "/login"))).statusCode());
        assertTrue(login("name=a").headers().firstValue("Set-Cookie").isPresent());
        assertFalse(login("name=").headers().firstValue("Set-Cookie").isPresent(), "no cookie for a refused sign-in");
    }

    @Test
    void anUpgradeNeedsAValidSessionCookieAndTheServersOrigin() throws Exception {
        assertEquals(401, handshakeStatus(Map.of()));
        assertEquals(401, handshakeStatus(Map.of("Cookie", "selkie_vote=" + "0".repeat(32))));
        assertEquals(401, handshakeStatus(Map.of("Cookie", "other=1")));
        String cookie = cookie("alice");
        assertEquals(403, handshakeStatus(Map.of("Cookie", cookie, "Origin", "http://evil.example")));
        TestClient ok = TestClient.connect("ws://" + base() + "/ws", Map.of("Cookie", cookie, "Origin", "http://" + base()));
        clients.add(ok);
        await().atMost(WAIT).until(() -> ok.count("\"type\":\"welcome\",\"name\":\"alice\",\"vote\":null") == 1);
        assertTrue(ok.texts.get(0).endsWith("\"options\":[\"Tabs\",\"Spaces\",\"Both\"],\"voters\":0,\"counts\":[0,0,0]}"),
                ok.texts.get(0));
    }

    @Test
    void votesAreCountedOncePerSessionChangeableAndPushedToEveryPage() throws Exception {
        String alice = cookie("alice");
        TestClient a = open(alice);
        TestClient b = open(cookie("bob"));

        a.send("{\"type\":\"vote\",\"option\":\"Tabs\"}");
        await().atMost(WAIT).until(() -> b.count("\"type\":\"counts\",\"seq\":1,") == 1);
        assertTrue(b.texts.get(b.texts.size() - 1).endsWith("\"voters\":1,\"counts\":[1,0,0]}"), b.texts.toString());
        await().atMost(WAIT).until(() -> a.count("{\"type\":\"voted\",\"option\":\"Tabs\"}") == 1);
        assertEquals(0, b.count("\"type\":\"voted\""), "bob is told the counts, not alice's own vote");

        a.send("{\"type\":\"vote\",\"option\":\"Tabs\"}"); // the same again: counted once
        a.send("{\"type\":\"vote\",\"option\":\"Both\"}"); // changed
        b.send("{\"type\":\"vote\",\"option\":\"Both\"}");
        await().atMost(WAIT).until(() -> a.count("\"voters\":2,\"counts\":[0,0,2]") == 1);
        assertEquals(3, a.count("\"type\":\"counts\""), "the repeated vote changed nothing, so no counts for it: " + a.texts);

        // the vote is the session's, kept by the server: a new connection with the same cookie sees it
        a.close();
        TestClient again = open(alice);
        assertTrue(again.texts.get(0).startsWith("{\"type\":\"welcome\",\"name\":\"alice\",\"vote\":\"Both\",\"seq\":3,"),
                again.texts.get(0));
        HttpResponse<String> results = http(HttpRequest.newBuilder(URI.create("http://" + base() + "/results")));
        assertEquals("{\"seq\":3,\"options\":[\"Tabs\",\"Spaces\",\"Both\"],\"voters\":2,\"counts\":[0,0,2]}",
                results.body());
    }

    @Test
    void everyPageOfASessionLearnsItsVote() throws Exception {
        String carol = cookie("carol");
        TestClient tab1 = open(carol);
        TestClient tab2 = open(carol);
        tab1.send("{\"type\":\"vote\",\"option\":\"Spaces\"}");
        await().atMost(WAIT).until(() -> tab2.count("{\"type\":\"voted\",\"option\":\"Spaces\"}") == 1);
        await().atMost(WAIT).until(() -> tab2.count("\"counts\":[0,1,0]") == 1);
    }

    @Test
    void signingInAgainEndsTheOldSessionAndWithdrawsItsVote() throws Exception {
        String old = cookie("dave");
        TestClient page = open(old);
        TestClient watcher = open(cookie("erin"));
        page.send("{\"type\":\"vote\",\"option\":\"Tabs\"}");
        await().atMost(WAIT).until(() -> watcher.count("\"counts\":[1,0,0]") == 1);
        HttpResponse<String> r = login("name=dave", Map.of("Cookie", old));
        assertEquals(200, r.statusCode());
        assertEquals(1008, page.closeCode.get(10, TimeUnit.SECONDS));
        await().atMost(WAIT).until(() -> watcher.count("{\"type\":\"counts\",\"seq\":2,") == 1);
        assertTrue(watcher.texts.get(watcher.texts.size() - 1).endsWith("\"voters\":0,\"counts\":[0,0,0]}"),
                watcher.texts.toString());
        assertEquals(401, handshakeStatus(Map.of("Cookie", old)));
    }

    @Test
    void badMessagesGetAnErrorAndChangeNothing() throws Exception {
        TestClient a = open(cookie("alice"));
        a.send("{\"type\":\"vote\",\"option\":\"Emacs\"}");
        a.send("{\"type\":\"vote\",\"option\":\"Tabs\",\"times\":1000}");
        a.send("{\"type\":\"vote\",\"option\":\"Tabs\",\"option\":\"Spaces\"}");
        a.send("{\"type\":\"vote\",\"option\":1}");
        a.send("{\"type\":\"reset\"}");
        a.send("not json");
        a.send("{\"type\":\"vote\",\"option\":\"" + "x".repeat(600) + "\"}");
        a.send(new byte[] {1, 2});
        await().atMost(WAIT).until(() -> a.count("\"type\":\"error\"") == 8);
        assertEquals(1, a.count("not one of the options"));
        assertEquals(1, a.count("unknown field \\\"times\\\""));
        assertEquals(1, a.count("Duplicate field"));
        assertEquals(1, a.count("too large"));
        assertEquals(0, a.count("\"type\":\"counts\""));
        a.send("x".repeat(2000)); // over the 1 KiB message limit
        assertEquals(1009, a.closeCode.get(10, TimeUnit.SECONDS));
    }

    @Test
    void notifyPushesAnAnnouncementToEveryPageWithinItsLimits() throws Exception {
        TestClient a = open(cookie("alice"));
        TestClient b = open(cookie("bob"));
        HttpResponse<String> r = notify("  Polls close at noon ✓\n".getBytes(java.nio.charset.StandardCharsets.UTF_8));
        assertEquals(202, r.statusCode(), r.body());
        assertEquals("Announced to 2 pages\n", r.body());
        for (TestClient c : List.of(a, b)) {
            await().atMost(WAIT).until(() -> c.count("{\"type\":\"announcement\",\"text\":\"Polls close at noon ✓\",\"time\":") == 1);
        }

        assertEquals(202, notify("x".repeat(VoteServer.MAX_NOTIFY_BYTES).getBytes()).statusCode(), "1 KiB is fine");
        assertEquals(413, notify("x".repeat(VoteServer.MAX_NOTIFY_BYTES + 1).getBytes()).statusCode());
        assertEquals(400, notify(new byte[] {(byte) 0xc3, (byte) 0x28}).statusCode(), "not UTF-8");
        assertEquals(400, notify(" \n ".getBytes()).statusCode(), "blank");
        assertEquals(405, http(HttpRequest.newBuilder(URI.create("http://" + base() + "/notify"))).statusCode());
        assertEquals(403, http(HttpRequest.newBuilder(URI.create("http://" + base() + "/notify"))
                .header("Origin", "http://evil.example").POST(HttpRequest.BodyPublishers.ofString("hi"))).statusCode());
        // a last accepted one: announcements go out in order, so once it is there nothing refused can follow
        assertEquals(202, notify("end of test".getBytes()).statusCode());
        for (TestClient c : List.of(a, b)) {
            await().atMost(WAIT).until(() -> c.count("\"text\":\"end of test\"") == 1);
            assertEquals(3, c.count("\"type\":\"announcement\""), "only the accepted ones: " + c.texts);
        }
    }

    @Test
    void thePageIsServedWithAStrictContentSecurityPolicy() throws Exception {
        HttpResponse<String> page = http(HttpRequest.newBuilder(URI.create("http://" + base() + "/")));
        assertEquals(200, page.statusCode());
        String csp = page.headers().firstValue("Content-Security-Policy").orElse("");
        assertTrue(csp.contains("default-src 'self'") && csp.contains("script-src 'self'")
                && csp.contains("connect-src 'self'"), csp);
        assertTrue(page.body().contains("<script src=\"/vote.js\""), page.body());
        assertTrue(page.body().contains("not a restart of the server"), "the page says votes are in memory only");
        for (String path : List.of("/vote.js", "/vote.css")) {
            assertEquals(200, http(HttpRequest.newBuilder(URI.create("http://" + base() + path))).statusCode(), path);
        }
        assertEquals(404, http(HttpRequest.newBuilder(URI.create("http://" + base() + "/nope"))).statusCode());
    }
}
