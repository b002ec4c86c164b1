package dev.selkie.demo.stats;

import static org.awaitility.Awaitility.await;

import dev.selkie.demo.BrowserSupport;
import dev.selkie.demo.TestClient;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.chrome.ChromeDriver;

/** The dashboard draws samples as they arrive. */
class StatsBrowserTest {
    private static final Duration WAIT = Duration.ofSeconds(20);

    @TempDir
    Path profiles;

    private StatsServer stats;
    private ChromeDriver browser;

    @AfterEach
    void stop() {
        if (browser != null) {
            browser.quit();
        }
        if (stats != null) {
            stats.stop(Duration.ofSeconds(2));
        }
    }

    private String script(String js) {
        return String.valueOf(((JavascriptExecutor) browser).executeScript(js));
    }

    private int samples(String canvas) {
        String n = script("return document.getElementById('" + canvas + "').dataset.samples || '0'");
        return Integer.parseInt(n);
    }

    @Test
    void chartsMoveAsSamplesArrive() throws Exception {
        stats = new StatsServer("127.0.0.1", 0, Duration.ofMillis(250));
        stats.start();
        browser = BrowserSupport.start(profiles);
        browser.get("http://127.0.0.1:" + stats.port() + "/");

        await("a first sample is drawn").atMost(WAIT).until(() -> samples("chart-messages") >= 1);
        String before = script("return document.getElementById('chart-messages').toDataURL()");
        int samplesBefore = samples("chart-messages");

        try (TestClient load = TestClient.connect("ws://127.0.0.1:" + stats.port() + "/echo")) {
            for (int i = 0; i < 50; i++) {
                load.send("load " + i);
            }
            await().atMost(WAIT).until(() -> load.texts.size() == 50);
            await("later samples change the chart").atMost(WAIT).until(() ->
                    samples("chart-messages") > samplesBefore + 1
                            && !script("return document.getElementById('chart-messages').toDataURL()").equals(before));
            await("the load connection is counted (dashboard + load = 2)").atMost(WAIT)
                    .until(() -> script("return document.getElementById('v-connections').textContent").equals("2"));
            BrowserSupport.screenshot(browser, "stats");
        }
    }
}
