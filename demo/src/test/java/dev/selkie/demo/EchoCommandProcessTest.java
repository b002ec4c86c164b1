package dev.selkie.demo;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The echo command as users run it: a separate JVM, a real client, SIGTERM to stop. */
class EchoCommandProcessTest {
    @Test
    void echoesServesThePageAndStopsCleanlyOnSigterm() throws Exception {
        try (DemoProcess demo = DemoProcess.start("echo", "--port", "0", "--subprotocol", "echo.v1")) {
            String url = demo.awaitUrl();
            assertTrue(url.matches("ws://127\\.0\\.0\\.1:\\d+/"), url);
            int port = URI.create(url).getPort();
            assertTrue(port > 0 && port != 9001, "--port 0 picks a free port: " + url);

            try (TestClient client = TestClient.connect(url)) {
                client.send("hello, selkie");
                client.send("ünïcödé 😀");
                byte[] binary = {0, 1, 2, (byte) 0xff};
                client.send(binary);
                await().atMost(Duration.ofSeconds(10)).until(() -> client.texts.size() == 2 && client.binaries.size() == 1);
                assertEquals("hello, selkie", client.texts.get(0));
                assertEquals("ünïcödé 😀", client.texts.get(1));
                assertArrayEquals(binary, client.binaries.get(0));

                HttpResponse<String> page = TestClient.http().send(
                        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/")).build(),
                        HttpResponse.BodyHandlers.ofString());
                assertEquals(200, page.statusCode());
                assertTrue(page.headers().firstValue("Content-Type").orElse("").startsWith("text/html"));
                assertTrue(page.body().contains("<script src=\"/echo.js\""), page.body());

                demo.process.destroy(); // SIGTERM
                assertEquals(1001, client.closeCode.get(15, TimeUnit.SECONDS), "clients are told the server goes away");
            }
            assertEquals(0, demo.awaitExit(Duration.ofSeconds(20)), "exit code after SIGTERM; stderr:\n" + demo.stderr());
            String log = demo.stderr();
            assertTrue(log.contains("INFO") && log.contains("Connection from"), "connections are logged at info:\n" + log);
        }
    }

    @Test
    void negotiatesAConfiguredSubprotocol() throws Exception {
        try (DemoProcess demo = DemoProcess.start("echo", "--port", "0", "--subprotocol", "a", "--subprotocol", "b")) {
            String url = demo.awaitUrl();
            java.net.http.WebSocket ws = TestClient.http().newWebSocketBuilder()
                    .subprotocols("b", "c")
                    .buildAsync(URI.create(url), new java.net.http.WebSocket.Listener() { })
                    .get(10, TimeUnit.SECONDS);
            try {
                assertEquals("b", ws.getSubprotocol());
            } finally {
                ws.abort();
            }
        }
    }

    @Test
    void messageSizeAndIdleTimeoutGivenOnTheCommandLineApply() throws Exception {
        // the idle timeout leaves the busy client ample time on a loaded machine; the quiet one just waits
        try (DemoProcess demo = DemoProcess.start("echo", "--port", "0", "--max-message-size", "16",
                "--idle-timeout", "3s")) {
            String url = demo.awaitUrl();
            try (TestClient tooBig = TestClient.connect(url); TestClient quiet = TestClient.connect(url)) {
                tooBig.send("0123456789abcdef"); // 16 bytes: fine
                await().atMost(Duration.ofSeconds(10)).until(() -> tooBig.texts.size() == 1);
                tooBig.send("0123456789abcdefg"); // 17 bytes
                assertEquals(1009, tooBig.closeCode.get(10, TimeUnit.SECONDS), "--max-message-size");
                assertEquals(1001, quiet.closeCode.get(15, TimeUnit.SECONDS), "--idle-timeout closes a silent client");
            }
        }
    }

    @Test
    void pingIntervalGivenOnTheCommandLineApplies() throws Exception {
        try (DemoProcess demo = DemoProcess.start("echo", "--port", "0", "--ping-interval", "300ms")) {
            try (TestClient client = TestClient.connect(demo.awaitUrl())) {
                await("--ping-interval").atMost(Duration.ofSeconds(10)).until(() -> client.pings.get() >= 2);
            }
        }
    }

    @Test
    void aBadOptionIsAUsageErrorWithExitCode2() throws Exception {
        try (DemoProcess demo = DemoProcess.start("echo", "--port", "not-a-port")) {
            assertEquals(2, demo.awaitExit(Duration.ofSeconds(30)));
            String err = demo.stderr();
            assertTrue(err.contains("--port") && err.contains("not-a-port"), err);
            assertTrue(err.contains("Try 'selkie-demo echo --help'"), err);
        }
    }

    @Test
    void helpExitsWith0() throws Exception {
        try (DemoProcess demo = DemoProcess.start("echo", "--help")) {
            assertEquals(0, demo.awaitExit(Duration.ofSeconds(30)));
            await().atMost(Duration.ofSeconds(5)).until(() -> demo.stdoutText().contains("--max-message-size"));
            assertTrue(demo.stdoutText().contains("Usage: selkie-demo echo"), demo.stdoutText());
        }
    }

    @Test
    void aTakenPortIsAClearRuntimeErrorWithExitCode1() throws Exception {
        try (java.net.ServerSocket taken = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress());
             DemoProcess demo = DemoProcess.start("echo", "--port", String.valueOf(taken.getLocalPort()))) {
            assertEquals(1, demo.awaitExit(Duration.ofSeconds(30)));
            assertTrue(demo.stderr().contains("cannot start the echo server"), demo.stderr());
        }
    }
}
