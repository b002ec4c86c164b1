package dev.selkie.demo.jobs;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.selkie.demo.BrowserSupport;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.Select;

/** The jobs page in headless Chromium: xterm.js from the jar, real processes behind it. */
class JobsBrowserTest {
    private static final Duration WAIT = Duration.ofSeconds(20);

    @TempDir
    static Path profiles;

    private static ChromeDriver browser;

    private JobsServer jobs;

    @BeforeAll
    static void browser() throws Exception {
        browser = BrowserSupport.start(profiles);
    }

    @AfterAll
    static void quit() {
        if (browser != null) {
            browser.quit();
        }
    }

    @BeforeEach
    void start() {
        jobs = server(0);
        jobs.start();
        browser.get("http://127.0.0.1:" + jobs.port() + "/");
        await("connected").atMost(WAIT).until(() -> browser.findElement(By.id("run")).isEnabled());
    }

    private static JobsServer server(int port) {
        return new JobsServer("127.0.0.1", port, List.of(), null, List.of(
                JobTemplate.parse("uptime=sh -c 'echo \"$0: up, load 0.42\"; echo \"$0: checked\"' {target}"),
                JobTemplate.parse("sleep=sleep {target}"),
                JobTemplate.parse("exit=sh -c 'echo \"exiting with $0\"; exit \"$0\"' {target}")),
                Duration.ofSeconds(30), 1);
    }

    @AfterEach
    void stop() {
        if (jobs != null) {
            jobs.stop(Duration.ofSeconds(2));
        }
    }

    @SuppressWarnings("unchecked")
    private static List<String> lines() {
        return (List<String>) ((JavascriptExecutor) browser).executeScript("return window.selkieJobs.lines();");
    }

    private static void send(String json) {
        ((JavascriptExecutor) browser).executeScript("window.selkieJobs.send(arguments[0]);", json);
    }

    private static void run(String job, String targets) {
        new Select(browser.findElement(By.id("job"))).selectByValue(job);
        browser.findElement(By.id("targets")).clear();
        browser.findElement(By.id("targets")).sendKeys(targets);
        browser.findElement(By.id("run")).click();
    }

    @Test
    void aJobOverThreeTargetsShowsThreeStatusLinesInOrder() throws Exception {
        assertTrue(browser.findElement(By.id("allow-list-note")).getText()
                .contains("only the allow-listed local commands"));
        await().atMost(WAIT).until(() -> lines().stream().anyMatch(l -> l.contains("allow-listed local commands")));
        run("uptime", "web[1-3]");
        await("three ok lines").atMost(WAIT).until(() -> lines().stream().filter(l -> l.contains("ok (exit 0)")).count() == 3);
        await().atMost(WAIT).until(() -> lines().stream().anyMatch(l -> l.contains("done: 3 ok, 0 failed")));
        List<String> ends = lines().stream().filter(l -> l.contains("ok (exit 0)")).toList();
        assertEquals(List.of("[web1] ok (exit 0)", "[web2] ok (exit 0)", "[web3] ok (exit 0)"), ends, lines().toString());
        assertTrue(lines().contains("[web2] web2: up, load 0.42"), lines().toString());
        run("exit", "0,2");
        await().atMost(WAIT).until(() -> lines().stream().anyMatch(l -> l.contains("[2] failed with exit code 2")));
        await().atMost(WAIT).until(() -> browser.findElement(By.id("run")).isEnabled());
        BrowserSupport.screenshot((TakesScreenshot) browser, "jobs");
        if (Boolean.getBoolean("selkie.docs.screenshots")) { // the README's picture: docs/jobs.png
            Path docs = Files.createDirectories(Paths.get("..", "docs"));
            Files.write(docs.resolve("jobs.png"), browser.getScreenshotAs(OutputType.BYTES));
        }
    }

    @Test
    void cancelStopsALongJobAndNoProcessIsLeft() {
        run("sleep", "30");
        await().atMost(WAIT).until(() -> browser.findElement(By.id("cancel")).isEnabled());
        await().atMost(WAIT).until(() -> jobs.processes().size() == 1);
        List<ProcessHandle> running = List.copyOf(jobs.processes());
        browser.findElement(By.id("cancel")).click();
        await().atMost(WAIT).until(() -> lines().stream().anyMatch(l -> l.contains("[30] cancelled, killed")));
        await().atMost(WAIT).until(() -> running.stream().noneMatch(ProcessHandle::isAlive));
        assertTrue(ProcessHandle.current().descendants()
                .noneMatch(p -> p.isAlive() && p.info().command().orElse("").endsWith("/sleep")), "no sleep left");
        await().atMost(WAIT).until(() -> browser.findElement(By.id("run")).isEnabled());
    }

    @Test
    void craftedMessagesRunNothingAndShowARedError() {
        send("{\"type\":\"run\",\"job\":\"rm\",\"targets\":\"a\"}");
        send("{\"type\":\"run\",\"job\":\"sleep\",\"targets\":\"a;rm -rf /\"}");
        send("{\"type\":\"run\",\"job\":\"sleep\",\"targets\":\"$(id)\"}");
        await().atMost(WAIT).until(() -> lines().stream().filter(l -> l.startsWith("error: ")).count() == 3);
        List<String> errors = lines().stream().filter(l -> l.startsWith("error: ")).toList();
        assertTrue(errors.get(0).contains("unknown job 'rm'"), errors.toString());
        assertTrue(errors.get(1).contains("invalid target 'a;rm -rf /'"), errors.toString());
        assertTrue(errors.get(2).contains("invalid target '$(id)'"), errors.toString());
        assertTrue(lines().stream().noneMatch(l -> l.contains("running")), lines().toString());
        assertTrue(jobs.processes().isEmpty());
    }

    @Test
    void thePageReconnectsWhenTheServerRestarts() {
        int port = jobs.port();
        jobs.stop(Duration.ofSeconds(2));
        await("the page notices").atMost(WAIT)
                .until(() -> browser.findElement(By.id("status")).getText().contains("reconnecting"));
        jobs = server(port);
        jobs.start();
        await("the page is back").atMost(Duration.ofSeconds(40))
                .until(() -> browser.findElement(By.id("status")).getText().startsWith("Connected"));
        run("uptime", "again");
        await().atMost(WAIT).until(() -> lines().contains("[again] ok (exit 0)"));
    }
}
