package dev.selkie.demo;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The vote command as users run it: a separate JVM, signed-in clients, SIGTERM to stop. */
class VoteCommandProcessTest {
    private static String signIn(int port, String name) throws Exception {
        HttpResponse<String> r = TestClient.http().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/login"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("name=" + name)).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, r.statusCode(), r.body());
        return r.headers().firstValue("Set-Cookie").orElseThrow().split(";", 2)[0];
    }

    @Test
    void votesWithTheGivenOptionsAndClosesEveryPageWith1001OnSigterm() throws Exception {
        try (DemoProcess demo = DemoProcess.start("vote", "--port", "0", "--option", "Red", "--option", "Blue")) {
            String url = demo.awaitUrl();
            assertTrue(url.matches("ws://127\\.0\\.0\\.1:\\d+/ws"), url);
            int port = URI.create(url).getPort();
            try (TestClient alice = TestClient.connect(url, Map.of("Cookie", signIn(port, "alice")));
                 TestClient bob = TestClient.connect(url, Map.of("Cookie", signIn(port, "bob")))) {
                await().atMost(Duration.ofSeconds(10)).until(() -> alice.count("\"options\":[\"Red\",\"Blue\"]") == 1);
                alice.send("{\"type\":\"vote\",\"option\":\"Blue\"}");
                await().atMost(Duration.ofSeconds(10)).until(() -> bob.count("\"voters\":1,\"counts\":[0,1]") == 1);

                demo.process.destroy(); // SIGTERM
                assertEquals(1001, alice.closeCode.get(15, TimeUnit.SECONDS), "pages are told the server goes away");
                assertEquals(1001, bob.closeCode.get(15, TimeUnit.SECONDS));
            }
            assertEquals(0, demo.awaitExit(Duration.ofSeconds(20)), "exit code after SIGTERM; stderr:\n" + demo.stderr());
            assertTrue(demo.stdoutText().contains("votes are kept in memory only"), demo.stdoutText());
            assertTrue(demo.stderr().contains("alice signed in"), "sign-ins are logged at info:\n" + demo.stderr());
        }
    }

    @Test
    void aBadOptionIsAUsageErrorWithExitCode2() throws Exception {
        try (DemoProcess demo = DemoProcess.start("vote", "--option", "Only one")) {
            assertEquals(2, demo.awaitExit(Duration.ofSeconds(30)));
            String err = demo.stderr();
            assertTrue(err.contains("--option") && err.contains("give 2 to"), err);
            assertTrue(err.contains("Try 'selkie-demo vote --help'"), err);
        }
    }

    @Test
    void helpExitsWith0() throws Exception {
        try (DemoProcess demo = DemoProcess.start("vote", "--help")) {
            assertEquals(0, demo.awaitExit(Duration.ofSeconds(30)));
            await().atMost(Duration.ofSeconds(5)).until(() -> demo.stdoutText().contains("--option"));
            assertTrue(demo.stdoutText().contains("Usage: selkie-demo vote"), demo.stdoutText());
        }
    }
}
