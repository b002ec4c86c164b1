package dev.selkie.demo.chat;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.selkie.demo.BrowserSupport;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;

/** The chat page in three headless Chromium sessions. */
class ChatBrowserTest {
    private static final Duration WAIT = Duration.ofSeconds(20);

    @TempDir
    static Path profiles;

    private static WebDriver first;
    private static WebDriver second;
    private static WebDriver third;

    private ChatServer chat;

    @BeforeAll
    static void browsers() throws Exception {
        first = BrowserSupport.start(profiles);
        second = BrowserSupport.start(profiles);
        third = BrowserSupport.start(profiles);
    }

    @AfterAll
    static void quit() {
        for (WebDriver d : new WebDriver[] {first, second, third}) {
            if (d != null) {
                d.quit();
            }
        }
    }

    @BeforeEach
    void start() {
        chat = new ChatServer("127.0.0.1", 0, List.of());
        chat.start();
    }

    @AfterEach
    void stop() {
        if (chat != null) {
            chat.stop(Duration.ofSeconds(2));
        }
    }

    private static String text(WebDriver d, String id) {
        return d.findElement(By.id(id)).getText();
    }

    private void join(WebDriver d, String name, String room) {
        join(d, chat, name, room);
    }

    private static void join(WebDriver d, ChatServer on, String name, String room) {
        d.get("http://127.0.0.1:" + on.port() + "/");
        d.findElement(By.id("name")).sendKeys(name);
        d.findElement(By.id("room")).clear();
        d.findElement(By.id("room")).sendKeys(room);
        d.findElement(By.id("join")).click();
        await("user list of " + name).atMost(WAIT).until(() -> text(d, "users").lines().anyMatch(name::equals));
        await("send enabled for " + name).atMost(WAIT).until(() -> d.findElement(By.id("send")).isEnabled());
    }

    private static void say(WebDriver d, String message) {
        d.findElement(By.id("message")).sendKeys(message);
        d.findElement(By.id("send")).click();
    }

    @Test
    void twoUsersInARoomSeeEachOthersMessagesAndAnotherRoomDoesNot() throws Exception {
        join(first, "alice", "lobby");
        join(second, "bob", "lobby");
        join(third, "carol", "garden");
        await("alice sees bob online").atMost(WAIT).until(() -> text(first, "users").lines().anyMatch("bob"::equals));

        say(first, "Hello from Alice");
        await("bob gets alice's message").atMost(WAIT).until(() -> text(second, "messages").contains("Hello from Alice"));
        assertTrue(text(second, "messages").contains("alice"), "shown with its sender");

        say(third, "Garden news");
        await("carol gets her own room's message").atMost(WAIT)
                .until(() -> text(third, "messages").contains("Garden news"));
        assertFalse(text(third, "messages").contains("Hello from Alice"), "the lobby message must not reach the garden");
        assertFalse(text(third, "users").contains("alice"), "carol sees only her room's users");
        say(second, "Bye"); // bob does not get garden messages either: his own later message arrives alone
        await().atMost(WAIT).until(() -> text(second, "messages").contains("Bye"));
        assertFalse(text(second, "messages").contains("Garden news"));
        BrowserSupport.docsScreenshot((TakesScreenshot) second, "chat"); // docs/chat.png with -Dselkie.docs.screenshots=true
    }

    /** {@code chat --redis} twice on one redis-server: a page on each server, the same room. */
    @Test
    void twoServersOnOneRedisShareARoomAndAnotherRoomSeesNeither() throws Exception {
        try (dev.selkie.demo.RedisServer redis = dev.selkie.demo.RedisServer.start()) {
            ChatServer a = new ChatServer("127.0.0.1", 0, List.of(), dev.selkie.Compression.shared(), null,
                    dev.selkie.demo.RedisConnection.open(redis.uri(), "browser-a-" + System.nanoTime()));
            ChatServer b = new ChatServer("127.0.0.1", 0, List.of(), dev.selkie.Compression.shared(), null,
                    dev.selkie.demo.RedisConnection.open(redis.uri(), "browser-b-" + System.nanoTime()));
            a.start();
            b.start();
            try {
                join(first, a, "alice", "lobby");
                join(second, b, "bob", "lobby");
                join(third, b, "carol", "garden");
                await("alice, on server A, sees bob of server B online").atMost(WAIT)
                        .until(() -> text(first, "users").lines().anyMatch("bob"::equals));
                assertTrue(text(second, "users").lines().anyMatch("alice"::equals), "bob sees alice: " + text(second, "users"));
                await("alice's page says bob joined").atMost(WAIT).until(() -> text(first, "messages").contains("bob joined."));

                say(first, "Hello from server A");
                await("bob gets alice's message").atMost(WAIT)
                        .until(() -> text(second, "messages").contains("Hello from server A"));
                say(second, "Hello from server B");
                await("alice gets bob's message").atMost(WAIT)
                        .until(() -> text(first, "messages").contains("Hello from server B"));

                say(third, "Garden news");
                await().atMost(WAIT).until(() -> text(third, "messages").contains("Garden news"));
                assertFalse(text(third, "messages").contains("Hello from server"), "the lobby's messages stay there");
                assertFalse(text(third, "users").contains("alice") || text(third, "users").contains("bob"),
                        "carol sees her room's users only: " + text(third, "users"));
                say(first, "After the garden");
                await().atMost(WAIT).until(() -> text(second, "messages").contains("After the garden"));
                assertFalse(text(first, "messages").contains("Garden news"));
                assertFalse(text(second, "messages").contains("Garden news"));

                first.findElement(By.id("room")).clear(); // alice moves to another room: she leaves the lobby
                first.findElement(By.id("room")).sendKeys("elsewhere");
                first.findElement(By.id("join")).click();
                await().atMost(WAIT).until(() -> text(first, "status").startsWith("Connected as alice in #elsewhere"));
                await("bob sees alice leave").atMost(WAIT)
                        .until(() -> text(second, "users").lines().noneMatch("alice"::equals));
                assertTrue(text(second, "messages").contains("alice left."), text(second, "messages"));
                BrowserSupport.screenshot((TakesScreenshot) second, "chat-cluster-bob");
            } finally {
                a.stop(Duration.ofSeconds(2));
                b.stop(Duration.ofSeconds(2));
            }
        }
    }

    @Test
    void anAnnouncementReachesEveryPageAndATakenNameIsExplained() throws Exception {
        join(first, "dave", "ops");
        join(second, "erin", "dev");
        HttpResponse<String> r = HttpClient.newHttpClient().send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + chat.port() + "/notify"))
                        .POST(HttpRequest.BodyPublishers.ofString("Maintenance at noon")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertTrue(r.statusCode() == 202, r.body());
        for (WebDriver d : List.of(first, second)) {
            await().atMost(WAIT).until(() -> text(d, "messages").contains("Maintenance at noon"));
        }

        third.get("http://127.0.0.1:" + chat.port() + "/");
        third.findElement(By.id("name")).sendKeys("dave");
        third.findElement(By.id("room")).clear();
        third.findElement(By.id("room")).sendKeys("ops");
        third.findElement(By.id("join")).click();
        await("the page says the name is taken").atMost(WAIT)
                .until(() -> text(third, "notice").contains("already taken"));
    }

    @Test
    void thePageReconnectsWhenTheServerRestarts() {
        join(first, "frank", "lobby");
        int port = chat.port();
        chat.stop(Duration.ofSeconds(2));
        await("the page notices").atMost(WAIT).until(() -> text(first, "status").contains("reconnecting"));
        chat = new ChatServer("127.0.0.1", port, List.of());
        chat.start();
        await("the page is back").atMost(Duration.ofSeconds(40))
                .until(() -> text(first, "status").startsWith("Connected as frank"));
        say(first, "back again");
        await().atMost(WAIT).until(() -> text(first, "messages").contains("back again"));
    }
}
