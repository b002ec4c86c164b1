package dev.selkie.interop;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.selkie.Compression;
import dev.selkie.ServerMetrics;
import dev.selkie.WebSocketServer;
import dev.selkie.testing.EchoServer;
import dev.selkie.testing.TestCertificates;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Third-party clients against a Selkie echo server: python-websockets and node ws each exchange
 * JSON, text, UTF-8, a 1 MiB binary, a fragmented message and a ping, then see close 1001 when the
 * server stops; once offering permessage-deflate (its use checked in the answer and in the server's
 * counters of bytes inflated and compressed) and once offering nothing; each over {@code ws://} and
 * over {@code wss://}, verifying the server's certificate against a test CA. {@code .ci/run} installs both clients (Debian's python3-websockets, {@code npm ci} in
 * {@code interop/}); where they are missing outside CI the test is skipped, in CI it fails.
 */
class InteropTest {
    private static final Path INTEROP = Path.of("..", "interop").toAbsolutePath().normalize();
    private WebSocketServer server;

    @TempDir
    static Path certificates;
    private static TestCertificates ca;
    private static Path caPem;

    @BeforeAll
    static void certificates() throws IOException {
        ca = TestCertificates.newCa();
        caPem = ca.writeCaPem(certificates);
    }

    private void start(String scheme) {
        server = EchoServer.start(16 << 20, Compression.shared(),
                scheme.equals("wss") ? ca.server().tls(certificates) : null);
    }

    @AfterEach
    void stop() {
        if (server != null) {
            server.stop(Duration.ofSeconds(5));
        }
    }

    @ParameterizedTest(name = "python-websockets, {0}, {1}")
    @CsvSource({"ws, deflate", "ws, plain", "wss, deflate", "wss, plain"})
    void pythonWebsockets(String scheme, String mode) throws Exception {
        requireTool(probe("/usr/bin/python3", "-c", "import websockets"),
                "python-websockets (apt-get install -y python3-websockets)");
        start(scheme);
        run(List.of("/usr/bin/python3", INTEROP.resolve("echo_client.py").toString(), url(scheme), mode,
                caPem.toString()), mode);
    }

    @ParameterizedTest(name = "node ws, {0}, {1}")
    @CsvSource({"ws, deflate", "ws, plain", "wss, deflate", "wss, plain"})
    void nodeWs(String scheme, String mode) throws Exception {
        requireTool(Files.isDirectory(INTEROP.resolve("node_modules/ws")) && probe("node", "--version"),
                "node ws (npm ci in interop/)");
        start(scheme);
        run(List.of("node", INTEROP.resolve("echo_client.js").toString(), url(scheme), mode, caPem.toString()), mode);
    }

    private String url(String scheme) {
        return scheme + "://127.0.0.1:" + server.port() + "/";
    }

    private void run(List<String> command, String mode) throws Exception {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        List<String> lines = new CopyOnWriteArrayList<>();
        Thread reader = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(
                    new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = r.readLine()) != null; ) {
                    lines.add(line);
                }
            } catch (IOException ignored) {
                // the process ended
            }
        }, "interop-output");
        reader.start();
        try {
            await().atMost(Duration.ofSeconds(60)).until(() -> lines.contains("READY") || !process.isAlive());
            assertTrue(lines.containsAll(List.of("OK json", "OK text", "OK utf8", "OK binary", "OK fragmented",
                    "OK ping")), "client output: " + lines);
            String extensions = lines.stream().filter(l -> l.startsWith("EXTENSIONS")).findFirst().orElse("none");
            ServerMetrics metrics = server.metrics();
            if (mode.equals("deflate")) {
                assertTrue(extensions.startsWith("EXTENSIONS permessage-deflate"), extensions);
                assertTrue(metrics.receivedCompressedBytes() > 0, "the client compressed: " + metrics);
                assertTrue(metrics.receivedInflatedBytes() > metrics.receivedCompressedBytes(), metrics.toString());
                assertTrue(metrics.sentCompressedBytes() > 0, "the server compressed: " + metrics);
                assertTrue(metrics.sentUncompressedBytes() > 2 * metrics.sentCompressedBytes(), metrics.toString());
            } else {
                assertEquals("EXTENSIONS", extensions.trim(), "nothing offered, nothing answered");
                assertEquals(0, metrics.receivedCompressedBytes() + metrics.sentCompressedBytes(), metrics.toString());
            }
            server.stop(Duration.ofSeconds(5));
            assertTrue(process.waitFor(30, TimeUnit.SECONDS), "client did not exit: " + lines);
            reader.join(5_000);
            assertEquals(0, process.exitValue(), "client output: " + lines);
            assertTrue(lines.contains("CLOSE 1001"), "client output: " + lines);
        } finally {
            process.destroyForcibly();
        }
    }

    private static boolean probe(String... command) {
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            return p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (IOException | InterruptedException e) {
            return false;
        }
    }

    private static void requireTool(boolean present, String what) {
        if ("true".equals(System.getenv("CI"))) {
            assertTrue(present, what + " is missing; .ci/run should have installed it");
        } else {
            assumeTrue(present, what + " is not installed here");
        }
    }
}
