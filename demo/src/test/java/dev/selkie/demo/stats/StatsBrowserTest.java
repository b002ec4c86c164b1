package dev.selkie.demo.stats;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.jr.ob.JSON;
import dev.selkie.demo.BrowserSupport;
import dev.selkie.demo.TestClient;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.chrome.ChromeDriver;

/** The dashboard draws samples as they arrive, with ECharts, under the page's Content-Security-Policy. */
class StatsBrowserTest {
    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final String[] CHARTS = {"chart-cores", "chart-connections", "chart-messages", "chart-bytes",
        "chart-queue", "chart-heap", "chart-cpu"};

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

    private int samples(String chart) {
        String n = script("return document.getElementById('" + chart + "').dataset.samples || '0'");
        return Integer.parseInt(n);
    }

    /** The chart's series as ECharts holds them (its option, not our own arrays): name and [time, value] points. */
    @SuppressWarnings("unchecked")
    private List<Map<String, Object>> series(String chart) throws IOException {
        String json = script("const c = echarts.getInstanceByDom(document.getElementById('" + chart + "'));"
                + "return JSON.stringify(c.getOption().series.map(s => ({name: s.name, data: s.data})));");
        return (List<Map<String, Object>>) (List<?>) JSON.std.listFrom(json);
    }

    @SuppressWarnings("unchecked")
    private static List<List<Object>> points(Map<String, Object> series) {
        return (List<List<Object>>) series.get("data");
    }

    private static long lastTime(Map<String, Object> series) {
        List<List<Object>> points = points(series);
        return ((Number) points.get(points.size() - 1).get(0)).longValue();
    }

    private static long expectedCores() throws IOException {
        Path procStat = Path.of("/proc/stat");
        if (!Files.isReadable(procStat)) {
            return 1; // the JVM's machine-wide figure
        }
        return Files.readAllLines(procStat).stream().filter(l -> l.matches("cpu[0-9]+ .*")).count();
    }

    @Test
    void perCoreSeriesAndTheOtherChartsMoveAsSamplesArrive() throws Exception {
        stats = new StatsServer("127.0.0.1", 0, Duration.ofMillis(250));
        stats.start();
        browser = BrowserSupport.start(profiles);
        browser.get("http://127.0.0.1:" + stats.port() + "/");

        await("a first sample is drawn").atMost(WAIT).until(() -> samples("chart-cores") >= 2);
        assertEquals("true", script("return typeof echarts === 'object' && typeof echarts.init === 'function'"),
                "ECharts came from the server (/echarts.min.js)");
        for (String chart : CHARTS) {
            assertEquals("true", script("return !!echarts.getInstanceByDom(document.getElementById('" + chart + "'))"
                    + " && document.getElementById('" + chart + "').querySelector('canvas') !== null"), chart);
        }
        List<Map<String, Object>> before = series("chart-cores");
        long cores = expectedCores();
        assertEquals(cores, before.size(), "one series per core: " + before);
        if (cores > 1 || Files.isReadable(Path.of("/proc/stat"))) {
            for (int i = 0; i < before.size(); i++) {
                assertEquals("cpu" + i, before.get(i).get("name"));
            }
        }
        int samplesBefore = samples("chart-cores");

        try (TestClient load = TestClient.connect("ws://127.0.0.1:" + stats.port() + "/echo")) {
            for (int i = 0; i < 50; i++) {
                load.send("load " + i);
            }
            await().atMost(WAIT).until(() -> load.texts.size() == 50);
            await("more samples").atMost(WAIT).until(() -> samples("chart-cores") >= samplesBefore + 8);
            List<Map<String, Object>> after = series("chart-cores");
            assertEquals(before.size(), after.size());
            Set<Object> values = new HashSet<>();
            for (int i = 0; i < after.size(); i++) {
                assertTrue(points(after.get(i)).size() > points(before.get(i)).size(), "series " + i + " grew");
                assertTrue(lastTime(after.get(i)) > lastTime(before.get(i)), "series " + i + " moved on in time");
                points(after.get(i)).forEach(p -> values.add(p.get(1)));
                points(after.get(i)).forEach(p -> {
                    Object v = p.get(1);
                    assertTrue(v == null || ((Number) v).doubleValue() >= 0 && ((Number) v).doubleValue() <= 100,
                            "a percentage: " + v);
                });
            }
            values.remove(null);
            assertTrue(values.size() >= 2, "the per-core figures change over time: " + values);

            await("the messages chart shows the load").atMost(WAIT).until(() -> series("chart-messages").stream()
                    .anyMatch(s -> points(s).stream().anyMatch(p -> p.get(1) instanceof Number
                            && ((Number) p.get(1)).doubleValue() > 0)));
            assertEquals(2, series("chart-queue").size(), "queued bytes and drops");
            assertEquals("2", script("const o = echarts.getInstanceByDom(document.getElementById('chart-queue'))"
                    + ".getOption(); return o.yAxis.length + ''"), "two y-axes for queued bytes and drops");
            await("the load connection is counted (dashboard + load = 2)").atMost(WAIT)
                    .until(() -> script("return document.getElementById('v-connections').textContent").equals("2"));
            assertEquals("0", script("return document.body.dataset.cspViolations"),
                    "nothing blocked by the Content-Security-Policy ('self' only, no eval, no inline style)");

            // the whole page for the README: a taller window, and a sample drawn after the charts resized
            browser.manage().window().setSize(new Dimension(1200, 1240));
            int drawn = samples("chart-cores");
            await().atMost(WAIT).until(() -> samples("chart-cores") >= drawn + 4);
            BrowserSupport.docsScreenshot(browser, "stats");
        }

        // and the count above would have seen a violation: an inline style attribute is one
        script("document.createElement('div').setAttribute('style', 'color: red'); return 0");
        await("the page counts what the CSP blocks").atMost(WAIT)
                .until(() -> script("return document.body.dataset.cspViolations").equals("1"));
    }

    @Test
    void reconnectsAfterTheServerRestarts() throws Exception {
        stats = new StatsServer("127.0.0.1", 0, Duration.ofMillis(250));
        stats.start();
        int port = stats.port();
        browser = BrowserSupport.start(profiles);
        browser.get("http://127.0.0.1:" + port + "/");
        await().atMost(WAIT).until(() -> samples("chart-cores") >= 1);
        stats.stop(Duration.ofSeconds(2));
        await("the page says it is reconnecting").atMost(WAIT)
                .until(() -> script("return document.getElementById('status').textContent").startsWith("Disconnected"));
        int before = samples("chart-cores");
        stats = new StatsServer("127.0.0.1", port, Duration.ofMillis(250));
        stats.start();
        await("samples again from the new server").atMost(Duration.ofSeconds(40))
                .until(() -> samples("chart-cores") > before + 1
                        && script("return document.getElementById('status').textContent").startsWith("Live"));
    }
}
