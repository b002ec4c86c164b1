package dev.selkie.redis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.awaitility.Awaitility;

/**
 * A real 3-master Redis Cluster for the tests: three {@code redis-server --cluster-enabled yes} on
 * free loopback ports in a temporary directory, joined with {@code redis-cli --cluster create}
 * (no replicas), ready once {@code CLUSTER INFO} says {@code cluster_state:ok} on every node.
 * {@link #close()} kills the servers and deletes the directory. Skips (or fails under {@code
 * CI=true}) like {@link RedisProcess} when redis-server or redis-cli is missing.
 */
final class RedisClusterProcess implements AutoCloseable {
    static final Path CLI = Path.of("/usr/bin/redis-cli");

    final List<Integer> ports = new ArrayList<>();
    private final List<Process> processes = new ArrayList<>();
    private final Path dir;

    private RedisClusterProcess(Path dir) {
        this.dir = dir;
    }

    static RedisClusterProcess start(int masters) throws Exception {
        RedisProcess.requireBinary();
        boolean cli = Files.isExecutable(CLI);
        if ("true".equals(System.getenv("CI"))) {
            assertTrue(cli, CLI + " is missing: install the redis-tools package (CI=true, not skipping)");
        } else {
            assumeTrue(cli, CLI + " is missing: Redis Cluster tests skipped");
        }
        RedisClusterProcess cluster = new RedisClusterProcess(Files.createTempDirectory("selkie-redis-cluster"));
        boolean ok = false;
        try {
            cluster.boot(masters);
            ok = true;
            return cluster;
        } finally {
            if (!ok) {
                cluster.close();
            }
        }
    }

    private Process launch(int port) throws IOException {
        return new ProcessBuilder(RedisProcess.BINARY.toString(), "--port", Integer.toString(port),
                "--cluster-enabled", "yes", "--cluster-config-file", "nodes-" + port + ".conf",
                "--cluster-node-timeout", "2000", "--save", "", "--appendonly", "no",
                "--bind", "127.0.0.1", "--dir", dir.toString())
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("redis-" + port + ".log").toFile()))
                .start();
    }

    /** Kills node {@code index} at once (SIGKILL), as a crash would; its nodes file stays. */
    void kill(int index) throws InterruptedException {
        Process process = processes.get(index);
        process.destroyForcibly();
        assertTrue(process.waitFor(10, TimeUnit.SECONDS), "redis-server did not die");
    }

    /** Restarts node {@code index} on its port (it rejoins with its id and slots) and waits for cluster_state:ok. */
    void restart(int index) throws Exception {
        int port = ports.get(index);
        processes.set(index, launch(port));
        for (int p : ports) {
            Awaitility.await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(50)).ignoreExceptions()
                    .until(() -> cli(p, "CLUSTER", "INFO").contains("cluster_state:ok"));
        }
    }

    private void boot(int masters) throws Exception {
        for (int i = 0; i < masters; i++) {
            int port;
            try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
                port = probe.getLocalPort();
            }
            ports.add(port);
            processes.add(launch(port));
        }
        for (int port : ports) {
            Awaitility.await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(20))
                    .until(() -> cli(port, "PING").equals("PONG"));
        }
        List<String> create = new ArrayList<>(List.of(CLI.toString(), "--cluster", "create"));
        ports.forEach(port -> create.add("127.0.0.1:" + port));
        create.addAll(List.of("--cluster-replicas", "0", "--cluster-yes"));
        Process process = new ProcessBuilder(create).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(process.waitFor(30, TimeUnit.SECONDS), "redis-cli --cluster create hangs");
        assertEquals(0, process.exitValue(), output);
        for (int port : ports) {
            Awaitility.await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(50))
                    .until(() -> cli(port, "CLUSTER", "INFO").contains("cluster_state:ok"));
        }
    }

    /** The seed URIs, one per node. */
    List<String> uris() {
        return ports.stream().map(port -> "redis://127.0.0.1:" + port).collect(Collectors.toList());
    }

    /** Runs redis-cli against one node and returns its trimmed output. */
    static String cli(int port, String... command) throws IOException, InterruptedException {
        List<String> args = new ArrayList<>(List.of(CLI.toString(), "-h", "127.0.0.1", "-p", Integer.toString(port)));
        args.addAll(List.of(command));
        Process process = new ProcessBuilder(args).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new IOException("redis-cli timed out");
        }
        return output.trim();
    }

    @Override
    public void close() throws IOException, InterruptedException {
        for (Process process : processes) {
            process.destroyForcibly();
        }
        for (Process process : processes) {
            assertTrue(process.waitFor(10, TimeUnit.SECONDS), "redis-server did not die");
        }
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path path : files.sorted(Comparator.reverseOrder()).collect(Collectors.toList())) {
                Files.deleteIfExists(path);
            }
        }
    }
}
