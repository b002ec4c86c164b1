package dev.selkie.demo;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.selkie.demo.tls.SelfSignedCertificate;
import java.io.InputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The echo command's TLS and proxy options, as users run them (a separate JVM): wss:// with PEM
 * files and SIGTERM closing with 1001 over TLS, the self-signed mode's fingerprint, the client
 * address a PROXY header declares in the info log, and usage errors for options that do not fit.
 */
class EchoTlsProcessTest {
    @TempDir
    Path dir;

    private static HttpClient trusting(SelfSignedCertificate certificate) throws Exception {
        return TestClient.trusting(certificate.certificate());
    }

    @Test
    void servesWssFromPemFilesAndClosesWith1001OnSigterm() throws Exception {
        SelfSignedCertificate certificate = SelfSignedCertificate.generate();
        Path cert = dir.resolve("cert.pem");
        Path key = dir.resolve("key.pem");
        certificate.writePem(cert, key);
        try (DemoProcess demo = DemoProcess.start("echo", "--port", "0", "--tls-cert", cert.toString(),
                "--tls-key", key.toString())) {
            String url = demo.awaitUrl();
            assertTrue(url.startsWith("wss://127.0.0.1:"), url);
            HttpClient http = trusting(certificate);
            try (TestClient client = TestClient.connect(url, Map.of(), http)) {
                client.send("secure hello");
                await().atMost(Duration.ofSeconds(10)).until(() -> client.texts.size() == 1);
                assertEquals("secure hello", client.texts.get(0));
                int port = URI.create(url).getPort();
                String page = http.send(java.net.http.HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + port + "/"))
                        .build(), java.net.http.HttpResponse.BodyHandlers.ofString()).body();
                assertTrue(page.contains("<script src=\"/echo.js\""), "the page over https");
                demo.process.destroy(); // SIGTERM
                assertEquals(1001, client.closeCode.get(15, TimeUnit.SECONDS));
            }
            assertEquals(0, demo.awaitExit(Duration.ofSeconds(20)), demo.stderr());
        }
    }

    @Test
    void theSelfSignedModePrintsItsFingerprint() throws Exception {
        try (DemoProcess demo = DemoProcess.start("echo", "--port", "0", "--tls-self-signed")) {
            demo.awaitUrl();
            await().atMost(Duration.ofSeconds(10)).until(() -> demo.stdoutText().contains("fingerprint"));
            assertTrue(demo.stdoutText().matches("(?s).*SHA-256 fingerprint ([0-9A-F]{2}:){31}[0-9A-F]{2}.*"),
                    demo.stdoutText());
        }
    }

    @Test
    void theClientAddressOfAProxyHeaderIsLogged() throws Exception {
        try (DemoProcess demo = DemoProcess.start("echo", "--port", "0", "--proxy-protocol",
                "--trusted-proxy", "127.0.0.1/32")) {
            int port = URI.create(demo.awaitUrl()).getPort();
            try (Socket socket = new Socket("127.0.0.1", port)) {
                socket.setSoTimeout(10_000);
                String request = "PROXY TCP4 203.0.113.7 127.0.0.1 51000 443\r\n"
                        + "GET / HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                        + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n";
                socket.getOutputStream().write(request.getBytes(StandardCharsets.US_ASCII));
                InputStream in = socket.getInputStream();
                byte[] head = new byte[12];
                assertEquals(12, in.readNBytes(head, 0, 12));
                assertEquals("HTTP/1.1 101", new String(head, StandardCharsets.US_ASCII));
                await().atMost(Duration.ofSeconds(10)).until(() -> demo.stderr().contains("Connection from /203.0.113.7:51000 via /127.0.0.1:"));
            }
        }
    }

    @Test
    void optionsThatDoNotFitAreUsageErrors() throws Exception {
        try (DemoProcess demo = DemoProcess.start("echo", "--port", "0", "--proxy-protocol")) {
            assertEquals(2, demo.awaitExit(Duration.ofSeconds(30)));
            assertTrue(demo.stderr().contains("--proxy-protocol needs at least one --trusted-proxy"), demo.stderr());
        }
        try (DemoProcess demo = DemoProcess.start("echo", "--port", "0", "--tls-cert", "x.pem")) {
            assertEquals(2, demo.awaitExit(Duration.ofSeconds(30)));
            assertTrue(demo.stderr().contains("--tls-cert and --tls-key go together"), demo.stderr());
        }
        SelfSignedCertificate one = SelfSignedCertificate.generate();
        SelfSignedCertificate other = SelfSignedCertificate.generate();
        one.writePem(dir.resolve("one.pem"), dir.resolve("one.key"));
        other.writePem(dir.resolve("other.pem"), dir.resolve("other.key"));
        try (DemoProcess demo = DemoProcess.start("echo", "--port", "0", "--tls-cert", dir.resolve("one.pem").toString(),
                "--tls-key", dir.resolve("other.key").toString())) {
            assertEquals(2, demo.awaitExit(Duration.ofSeconds(30)));
            assertTrue(demo.stderr().contains("does not belong to the certificate"), demo.stderr());
        }
        try (DemoProcess demo = DemoProcess.start("echo", "--port", "0", "--trusted-proxy", "example.com")) {
            assertEquals(2, demo.awaitExit(Duration.ofSeconds(30)));
            assertTrue(demo.stderr().contains("--trusted-proxy"), demo.stderr());
        }
    }
}
