package dev.selkie.demo;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The jobs command as users run it: a separate JVM, allow-listed jobs from the options and a file, SIGTERM. */
class JobsCommandProcessTest {
    private static final Duration WAIT = Duration.ofSeconds(20);

    @Test
    void runsAllowListedJobsAndOnSigtermClosesClientsWith1001AndLeavesNoProcess(@TempDir Path dir) throws Exception {
        Path file = Files.writeString(dir.resolve("jobs.conf"), "# allow-listed jobs\n\nsleep=sleep {target}\n");
        try (DemoProcess demo = DemoProcess.start("jobs", "--port", "0", "--job", "echo=echo hello {target}",
                "--jobs-file", file.toString(), "--timeout", "60s", "--parallel", "2")) {
            String url = demo.awaitUrl();
            assertTrue(url.matches("ws://127\\.0\\.0\\.1:\\d+/ws"), url);
            assertTrue(demo.stdoutText().contains("allow-listed jobs: echo, sleep"), demo.stdoutText());
            try (TestClient client = TestClient.connect(url)) {
                await().atMost(WAIT).until(() -> client.count("\"type\":\"hello\"") == 1);
                client.send("{\"type\":\"run\",\"job\":\"echo\",\"targets\":\"a,b,c\"}");
                await().atMost(WAIT).until(() -> client.count("\"type\":\"done\"") == 1);
                assertEquals(3, client.count("\"state\":\"ok\""), client.texts.toString());

                client.send("{\"type\":\"run\",\"job\":\"sleep\",\"targets\":\"50,51\"}");
                await().atMost(WAIT).until(() -> demo.process.toHandle().descendants()
                        .filter(p -> p.info().command().orElse("").endsWith("sleep")).count() == 2);
                List<ProcessHandle> sleeps = demo.process.toHandle().descendants().toList();
                demo.process.destroy(); // SIGTERM
                assertEquals(1001, client.closeCode.get(15, TimeUnit.SECONDS), "clients are told the server goes away");
                assertEquals(0, demo.awaitExit(Duration.ofSeconds(20)), "exit code after SIGTERM; stderr:\n" + demo.stderr());
                await("no job process outlives the server").atMost(WAIT)
                        .until(() -> sleeps.stream().noneMatch(ProcessHandle::isAlive));
            }
        }
    }
}
