package dev.selkie.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The stats and chat commands as users run them (echo, jobs and vote have process tests of their
 * own): a separate JVM, a connected client, SIGTERM closes it with 1001 and the process exits 0.
 */
class SigtermProcessTest {
    @ParameterizedTest
    @CsvSource({"stats, /echo", "chat, /ws?name=ann&room=lobby"})
    void sigtermClosesClientsWith1001AndExits0(String command, String path) throws Exception {
        try (DemoProcess demo = DemoProcess.start(command, "--port", "0")) {
            String url = demo.awaitUrl(); // the first ws:// URL the command prints
            String base = url.substring(0, url.indexOf('/', "ws://".length()));
            try (TestClient client = TestClient.connect(base + path,
                    Map.of("Origin", base.replace("ws://", "http://")))) {
                demo.process.destroy(); // SIGTERM
                assertEquals(1001, client.closeCode.get(15, TimeUnit.SECONDS), "told the server goes away");
            }
            assertEquals(0, demo.awaitExit(Duration.ofSeconds(20)), "exit code after SIGTERM; stderr:\n" + demo.stderr());
            assertTrue(demo.stderr().contains("closing every connection with 1001"), demo.stderr());
        }
    }
}
