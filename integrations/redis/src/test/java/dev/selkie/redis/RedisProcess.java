package dev.selkie.redis;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;

/**
 * A real {@code redis-server} for the tests, on a free loopback port, without persistence. Skips
 * the test when Debian's {@code /usr/bin/redis-server} is absent, except under {@code CI=true},
 * where it fails.
 */
final class RedisProcess implements AutoCloseable {
    static final Path BINARY = Path.of("/usr/bin/redis-server");

    final int port;
    private Process process;

    private RedisProcess(int port) {
        this.port = port;
    }

    /** Starts a redis-server on a free port and waits until it answers PING. */
    static RedisProcess start() throws IOException {
        requireBinary();
        int port;
        try (ServerSocket probe = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            port = probe.getLocalPort();
        }
        RedisProcess redis = new RedisProcess(port);
        redis.restart();
        return redis;
    }

    static void requireBinary() {
        boolean present = Files.isExecutable(BINARY);
        if ("true".equals(System.getenv("CI"))) {
            assertTrue(present, BINARY + " is missing: install the redis-server package (CI=true, not skipping)");
        } else {
            assumeTrue(present, BINARY + " is missing: Redis tests skipped (apt-get install redis-server to run them)");
        }
    }

    String uri() {
        return "redis://127.0.0.1:" + port;
    }

    /** (Re)starts the server on the same port and waits until it answers PING. */
    void restart() throws IOException {
        process = new ProcessBuilder(BINARY.toString(), "--port", Integer.toString(port), "--save", "",
                "--appendonly", "no", "--bind", "127.0.0.1")
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .start();
        Awaitility.await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(20))
                .ignoreExceptions().until(this::pings);
    }

    /** Kills the server at once (SIGKILL), as a crash would. */
    void kill() throws InterruptedException {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
        assertTrue(process.waitFor(10, TimeUnit.SECONDS), "redis-server did not die");
    }

    boolean pings() throws IOException {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 500);
            socket.setSoTimeout(500);
            OutputStream out = socket.getOutputStream();
            out.write("PING\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = socket.getInputStream();
            byte[] answer = in.readNBytes(7);
            return new String(answer, StandardCharsets.US_ASCII).equals("+PONG\r\n");
        }
    }

    @Override
    public void close() throws InterruptedException {
        if (process != null && process.isAlive()) {
            kill();
        }
    }
}
