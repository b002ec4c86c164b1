package dev.selkie.demo.vote;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.selkie.demo.BrowserSupport;
import dev.selkie.demo.TestClient;
import dev.selkie.demo.tls.SelfSignedCertificate;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocketHandshakeException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;

/**
 * The vote page in two headless Chromium sessions (two browsers, two cookies). With {@code
 * -Dselkie.docs.screenshots=true} the page's screenshot is also written to {@code docs/vote.png} of the
 * repository, for the README; otherwise only to {@code target/screenshots/}.
 */
class VoteBrowserTest {
    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final List<String> OPTIONS = List.of("Tabs", "Spaces", "Both, it depends");

    @TempDir
    static Path profiles;

    private static SelfSignedCertificate certificate;
    private static WebDriver first;
    private static WebDriver second;

    private VoteServer vote;

    @BeforeAll
    static void browsers() throws Exception {
        BrowserSupport.requireChromium();
        certificate = SelfSignedCertificate.generate();
        // both trust exactly this test certificate, for the wss:// test
        String pin = "--ignore-certificate-errors-spki-list=" + certificate.publicKeyPin();
        first = BrowserSupport.start(profiles, pin);
        second = BrowserSupport.start(profiles, pin);
    }

    @AfterAll
    static void quit() {
        for (WebDriver d : new WebDriver[] {first, second}) {
            if (d != null) {
                d.quit();
            }
        }
    }

    @AfterEach
    void stop() {
        if (vote != null) {
            vote.stop(Duration.ofSeconds(2));
        }
    }

    private VoteServer start(int port, dev.selkie.Tls tls) {
        vote = new VoteServer("127.0.0.1", port, OPTIONS, List.of(), tls);
        vote.start();
        return vote;
    }

    private static String text(WebDriver d, String id) {
        return d.findElement(By.id(id)).getText();
    }

    private static void signIn(WebDriver d, String url, String name) {
        d.get(url);
        await("the sign-in form for " + name).atMost(WAIT).until(() -> d.findElement(By.id("signin-form")).isDisplayed());
        d.findElement(By.id("name")).sendKeys(name);
        d.findElement(By.id("signin")).click();
        await("the ballot for " + name).atMost(WAIT).until(() -> d.findElement(By.id("ballot")).isDisplayed()
                && text(d, "status").startsWith("Connected"));
        assertEquals(name, text(d, "me"));
        assertTrue(!d.findElement(By.id("signin-form")).isDisplayed(), "the form is gone once signed in");
    }

    private static void awaitCounts(WebDriver d, String... counts) {
        await("counts " + String.join(",", counts)).atMost(WAIT).until(() -> {
            for (int i = 0; i < counts.length; i++) {
                if (!text(d, "count-" + i).equals(counts[i])) {
                    return false;
                }
            }
            return true;
        });
    }

    private static boolean chosen(WebDriver d, int option) {
        return d.findElement(By.id("vote-" + option)).getAttribute("class").contains("chosen");
    }

    @Test
    void aVoteFromOnePageAppearsInTheOtherAndAnAnnouncementOnBoth() throws Exception {
        start(0, null);
        String url = "http://127.0.0.1:" + vote.port() + "/";
        signIn(first, url, "alice");
        signIn(second, url, "bob");
        assertEquals("Both, it depends", text(second, "vote-2"));

        first.findElement(By.id("vote-0")).click();
        awaitCounts(second, "1", "0", "0");
        await().atMost(WAIT).until(() -> chosen(first, 0));
        assertTrue(!chosen(second, 0), "bob has not voted");
        second.findElement(By.id("vote-1")).click();
        awaitCounts(first, "1", "1", "0");
        first.findElement(By.id("vote-1")).click(); // alice changes her mind: still one vote
        awaitCounts(second, "0", "2", "0");
        assertTrue(text(second, "voters").startsWith("2 votes"), text(second, "voters"));

        // the page's socket needs the session cookie: without one the upgrade is refused with 401
        ExecutionException refused = assertThrows(ExecutionException.class,
                () -> TestClient.connect("ws://127.0.0.1:" + vote.port() + "/ws", Map.of()));
        assertEquals(401, assertInstanceOf(WebSocketHandshakeException.class, refused.getCause()).getResponse().statusCode());

        HttpResponse<String> r = HttpClient.newHttpClient().send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + vote.port() + "/notify"))
                        .POST(HttpRequest.BodyPublishers.ofString("Polls close at noon")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(202, r.statusCode(), r.body());
        for (WebDriver d : List.of(first, second)) {
            await("the announcement").atMost(WAIT).until(() -> text(d, "announcements").contains("Polls close at noon"));
        }

        // a reload is a new connection of the same session: the vote is still the server's
        first.navigate().refresh();
        await("alice's vote after the reload").atMost(WAIT).until(() -> text(first, "status").startsWith("Connected")
                && chosen(first, 1));
        awaitCounts(first, "0", "2", "0");
        screenshot((TakesScreenshot) second, "vote");
    }

    @Test
    void afterAServerRestartThePageReconnectsAndAsksToSignInAgain() {
        start(0, null);
        int port = vote.port();
        signIn(first, "http://127.0.0.1:" + port + "/", "carol");
        first.findElement(By.id("vote-2")).click();
        awaitCounts(first, "0", "0", "1");
        vote.stop(Duration.ofSeconds(2));
        vote = null;
        await("the page notices").atMost(WAIT).until(() -> text(first, "status").contains("reconnecting"));
        start(port, null);
        await("the page is back and the server forgot the session").atMost(Duration.ofSeconds(40))
                .until(() -> first.findElement(By.id("signin-form")).isDisplayed());
        assertTrue(text(first, "notice").contains("restarted"), text(first, "notice"));
        first.findElement(By.id("name")).sendKeys("carol");
        first.findElement(By.id("signin")).click();
        await().atMost(WAIT).until(() -> text(first, "status").startsWith("Connected"));
        awaitCounts(first, "0", "0", "0");
    }

    @Test
    void worksOverWss() throws Exception {
        start(0, certificate.tls());
        String url = "https://127.0.0.1:" + vote.port() + "/";
        signIn(first, url, "dave");
        signIn(second, url, "erin");
        second.findElement(By.id("vote-1")).click();
        awaitCounts(first, "0", "1", "0");
        assertTrue(((org.openqa.selenium.JavascriptExecutor) first).executeScript("return location.protocol")
                .equals("https:"));
    }

    /** To target/screenshots/, and to the repository's docs/ with -Dselkie.docs.screenshots=true. */
    private static void screenshot(TakesScreenshot browser, String name) throws Exception {
        BrowserSupport.screenshot(browser, name);
        if (Boolean.getBoolean("selkie.docs.screenshots")) {
            Path docs = Files.createDirectories(Paths.get("..", "docs"));
            Files.write(docs.resolve(name + ".png"), browser.getScreenshotAs(OutputType.BYTES));
        }
    }
}
