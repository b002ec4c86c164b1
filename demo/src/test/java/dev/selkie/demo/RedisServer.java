package dev.selkie.demo;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * Debian's {@code redis-server} for the tests that need a real Redis: started on a free loopback port
 * without persistence ({@code --save '' --appendonly no}), killed by {@link #close()}. Without
 * {@code /usr/bin/redis-server} the tests fail under CI ({@code CI=true}) and are skipped elsewhere.
 */
public final class RedisServer implements AutoCloseable {
    static final Path REDIS_SERVER = Paths.get("/usr/bin/redis-server");
    private static final Duration READY = Duration.ofSeconds(10);

    private final Process process;
    private final int port;
    private final Path log;

    private RedisServer(Process process, int port, Path log) {
        this.process = process;
        this.port = port;
        this.log = log;
    }

    /** Fails (CI) or skips (elsewhere) when redis-server is missing. */
    public static void requireRedisServer() {
        requireRedisServer(REDIS_SERVER, System.getenv("CI"));
    }

    static void requireRedisServer(Path redisServer, String ciVariable) {
        if (Files.isExecutable(redisServer)) {
            return;
        }
        String why = "Redis tests need " + redisServer
                + " (Debian: apt-get install -y redis-server; .ci/run installs it)";
        if ("true".equalsIgnoreCase(ciVariable)) {
            fail(why);
        }
        Assumptions.abort(why);
    }

    /** Starts a redis-server on a free port and waits until it answers PING. */
    public static RedisServer start() throws IOException {
        return start(0);
    }

    /** Starts a redis-server on {@code port} (0: a free one) and waits until it answers PING. */
    public static RedisServer start(int fixedPort) throws IOException {
        requireRedisServer();
        IOException last = null;
        for (int attempt = 0; attempt < 3; attempt++) { // the free port may be taken before redis binds it
            int port = fixedPort != 0 ? fixedPort : freePort();
            Path dir = Files.createTempDirectory("selkie-redis-");
            Path log = dir.resolve("redis.log");
            Process p = new ProcessBuilder(List.of(REDIS_SERVER.toString(), "--port", Integer.toString(port),
                    "--save", "", "--appendonly", "no", "--bind", "127.0.0.1", "--dir", dir.toString()))
                    .redirectErrorStream(true)
                    .redirectOutput(log.toFile())
                    .start();
            RedisServer redis = new RedisServer(p, port, log);
            try {
                await("redis-server on port " + port).atMost(READY).pollInterval(Duration.ofMillis(50))
                        .until(() -> !p.isAlive() || redis.ping());
            } catch (RuntimeException e) {
                redis.close();
                throw e;
            }
            if (p.isAlive()) {
                return redis;
            }
            last = new IOException("redis-server exited at start: " + Files.readString(log));
        }
        throw last;
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    /** Whether it answers {@code PING} with {@code +PONG}. */
    public boolean ping() {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 1000);
            s.setSoTimeout(1000);
            OutputStream out = s.getOutputStream();
            out.write("PING\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = s.getInputStream();
            byte[] reply = in.readNBytes(7);
            return new String(reply, StandardCharsets.US_ASCII).equals("+PONG\r\n");
        } catch (IOException e) {
            return false;
        }
    }

    /** Its port on 127.0.0.1. */
    public int port() {
        return port;
    }

    /** {@code redis://127.0.0.1:PORT}. */
    public String uri() {
        return "redis://127.0.0.1:" + port;
    }

    /** What it logged. */
    public String log() throws IOException {
        return Files.readString(log);
    }

    /** Kills it and waits for it to be gone. */
    @Override
    public void close() {
        process.destroyForcibly();
        try {
            process.waitFor(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
