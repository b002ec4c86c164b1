package dev.selkie.demo.jobs;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.selkie.demo.TestClient;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The jobs server with real processes: echo, sleep, sh. */
class JobsServerTest {
    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final String MARK = "selkie-jobs-test";

    private JobsServer jobs;

    private JobsServer start(Duration timeout, int parallel) {
        jobs = new JobsServer("127.0.0.1", 0, List.of(), null, List.of(
                JobTemplate.parse("echo=echo hello {target}"),
                JobTemplate.parse("sleep=sleep {target}"),
                // a shell that starts a grandchild: cancel must kill the whole tree
                JobTemplate.parse("tree=sh -c 'sleep \"$0\" & wait' {target}"),
                JobTemplate.parse("exit=sh -c 'echo failing; exit \"$0\"' {target}"),
                JobTemplate.parse("env=sh -c 'echo \"[$0]\"' {target}")), timeout, parallel);
        jobs.start();
        return jobs;
    }

    @AfterEach
    void stop() {
        if (jobs != null) {
            jobs.stop(Duration.ofSeconds(2));
        }
    }

    private TestClient connect() throws Exception {
        TestClient client = TestClient.connect("ws://127.0.0.1:" + jobs.port() + "/ws");
        await().atMost(WAIT).until(() -> client.count("\"type\":\"hello\"") == 1);
        return client;
    }

    private static String run(String job, String targets) {
        return "{\"type\":\"run\",\"job\":\"" + job + "\",\"targets\":\"" + targets + "\"}";
    }

    private static List<String> of(TestClient c, String type) {
        return c.texts.stream().filter(t -> t.startsWith("{\"type\":\"" + type + "\"")).toList();
    }

    /** The job processes (sleep, sh) still alive under this JVM. */
    private static List<ProcessHandle> leftovers() {
        return ProcessHandle.current().descendants().filter(ProcessHandle::isAlive)
                .filter(p -> p.info().command().map(c -> c.endsWith("/sleep") || c.endsWith("/sh")
                        || c.endsWith("/dash") || c.endsWith("/bash")).orElse(false))
                .toList();
    }

    @Test
    void anEchoJobOverThreeTargetsStreamsOutputAndThreeStatusLinesInOrder() throws Exception {
        start(Duration.ofSeconds(10), 1);
        try (TestClient c = connect()) {
            assertTrue(c.texts.get(0).contains("\"jobs\":[\"echo\",\"sleep\",\"tree\",\"exit\",\"env\"]"), c.texts.get(0));
            assertTrue(c.texts.get(0).contains("allow-listed local commands"), c.texts.get(0));
            c.send(run("echo", "web[1-3]"));
            await().atMost(WAIT).until(() -> c.count("\"type\":\"done\"") == 1);
            List<String> ends = of(c, "status").stream().filter(t -> !t.contains("\"state\":\"running\"")).toList();
            assertEquals(3, ends.size(), c.texts.toString());
            for (int i = 0; i < 3; i++) {
                assertTrue(ends.get(i).startsWith("{\"type\":\"status\",\"target\":\"web" + (i + 1)
                        + "\",\"state\":\"ok\",\"exit\":0"), ends.get(i));
                assertTrue(text(ends.get(i)).contains("\u001b[32m"), "ok is green: " + ends.get(i));
            }
            List<String> output = of(c, "output");
            assertEquals(List.of("web1", "web2", "web3"), output.stream()
                    .map(t -> t.replaceAll(".*\"line\":\"hello (web\\d)\".*", "$1")).toList(), output.toString());
            assertTrue(of(c, "done").get(0).contains("\"ok\":3,\"failed\":0,\"timedOut\":0,\"cancelled\":0"));
            // the order of a target's lines: running, output, ok
            int running = c.texts.indexOf(c.texts.stream().filter(t -> t.contains("\"target\":\"web2\",\"state\":\"running\"")).findFirst().orElseThrow());
            int line = c.texts.indexOf(output.get(1));
            int ok = c.texts.indexOf(ends.get(1));
            assertTrue(running < line && line < ok, c.texts.toString());
        }
    }

    @Test
    void exitCodesAndTimeoutsAreReportedPerTarget() throws Exception {
        start(Duration.ofMillis(700), 4);
        try (TestClient c = connect()) {
            c.send(run("exit", "0,3"));
            await().atMost(WAIT).until(() -> c.count("\"type\":\"done\"") == 1);
            assertTrue(c.texts.stream().anyMatch(t -> t.contains("\"target\":\"3\",\"state\":\"failed\",\"exit\":3")
                    && t.contains("failed with exit code 3")), c.texts.toString());
            assertTrue(c.texts.stream().anyMatch(t -> t.contains("\"target\":\"0\",\"state\":\"ok\"")), c.texts.toString());
            c.send(run("sleep", "30"));
            await().atMost(WAIT).until(() -> c.count("\"type\":\"done\"") == 2);
            assertTrue(c.texts.stream().anyMatch(t -> t.contains("\"target\":\"30\",\"state\":\"timeout\"")
                    && t.contains("timed out after 700ms")), c.texts.toString());
            await().atMost(WAIT).until(() -> leftovers().isEmpty());
        }
    }

    @Test
    void cancelKillsTheLongJobAndEveryProcessOfIt() throws Exception {
        start(Duration.ofSeconds(60), 4);
        try (TestClient c = connect()) {
            c.send(run("tree", "30,31"));
            await().atMost(WAIT).until(() -> c.count("\"state\":\"running\"") == 2);
            // the shells and their sleeping children
            await().atMost(WAIT).until(() -> jobs.processes().stream()
                    .allMatch(p -> p.descendants().findAny().isPresent()) && jobs.processes().size() == 2);
            List<ProcessHandle> tree = jobs.processes().stream()
                    .flatMap(p -> java.util.stream.Stream.concat(java.util.stream.Stream.of(p), p.descendants()))
                    .toList();
            assertEquals(4, tree.size(), tree.toString());

            c.send(run("echo", "x")); // one job at a time
            await().atMost(WAIT).until(() -> c.count("a job is running already") == 1);

            long before = System.nanoTime();
            c.send("{\"type\":\"cancel\"}");
            await().atMost(WAIT).until(() -> c.count("\"type\":\"done\"") == 1);
            assertTrue(System.nanoTime() - before < TimeUnit.SECONDS.toNanos(10), "cancelled at once");
            assertEquals(2, c.count("\"state\":\"cancelled\""), c.texts.toString());
            assertTrue(of(c, "done").get(0).contains("\"cancelled\":2"), of(c, "done").toString());
            await().atMost(WAIT).until(() -> tree.stream().noneMatch(ProcessHandle::isAlive));
            assertEquals(List.of(), leftovers());
            assertEquals(0, c.count("\"target\":\"x\""), "the refused run never ran");

            c.send(run("echo", "again")); // the connection can run the next job
            await().atMost(WAIT).until(() -> c.count("\"type\":\"done\"") == 2);
        }
    }

    @Test
    void aClosedConnectionOrAStoppedServerLeavesNoProcess() throws Exception {
        start(Duration.ofSeconds(60), 4);
        TestClient c = connect();
        c.send(run("sleep", "40"));
        await().atMost(WAIT).until(() -> jobs.processes().size() == 1);
        List<ProcessHandle> first = List.copyOf(jobs.processes());
        c.close();
        await().atMost(WAIT).until(() -> first.stream().noneMatch(ProcessHandle::isAlive));

        try (TestClient d = connect()) {
            d.send(run("tree", "41,42,43"));
            await().atMost(WAIT).until(() -> d.count("\"state\":\"running\"") == 3);
            jobs.stop(Duration.ofSeconds(2));
            assertEquals(1001, d.closeCode.get(10, TimeUnit.SECONDS));
            jobs = null;
            await().atMost(WAIT).until(() -> leftovers().isEmpty());
        }
    }

    @Test
    void craftedMessagesRunNothingAndGetAnError() throws Exception {
        start(Duration.ofSeconds(10), 4);
        try (TestClient c = connect()) {
            List<String> crafted = List.of(
                    run("rm", "a"),
                    "{\"type\":\"run\",\"job\":\"echo\",\"targets\":\"a;rm -rf /\"}",
                    "{\"type\":\"run\",\"job\":\"echo\",\"targets\":\"$(id)\"}",
                    "{\"type\":\"run\",\"job\":\"echo\",\"targets\":\"web1,`id`\"}",
                    "{\"type\":\"run\",\"job\":\"env\",\"targets\":\"a b\"}",
                    "{\"type\":\"run\",\"job\":\"echo\",\"targets\":\"a\",\"command\":\"id\"}",
                    "{\"type\":\"run\",\"job\":\"echo\",\"targets\":\"n[1-99]\"}",
                    "{\"type\":\"exec\",\"command\":\"id\"}",
                    "{\"type\":\"run\",\"job\":\"echo\",\"targets\":\"" + "a".repeat(5000) + "\"}",
                    "not json");
            for (String m : crafted) {
                c.send(m);
            }
            c.send(new byte[] {1, 2, 3});
            await().atMost(WAIT).until(() -> of(c, "error").size() == crafted.size() + 1);
            List<String> errors = of(c, "error");
            assertTrue(errors.get(0).contains("unknown job 'rm'"), errors.get(0));
            assertTrue(errors.get(1).contains("invalid target 'a;rm -rf /'"), errors.get(1));
            assertTrue(errors.get(2).contains("invalid target '$(id)'"), errors.get(2));
            assertTrue(errors.stream().allMatch(e -> text(e).contains("\u001b[31m")), "red: " + errors);
            assertEquals(0, of(c, "start").size() + of(c, "status").size() + of(c, "output").size(), c.texts.toString());
            assertTrue(jobs.processes().isEmpty());
            c.send(run("env", "a.b_c-d")); // and the connection still works
            await().atMost(WAIT).until(() -> c.count("\"line\":\"[a.b_c-d]\"") == 1);
        }
    }

    @Test
    void servesThePageAndXtermFromTheJarWithAStrictPolicy() throws Exception {
        start(Duration.ofSeconds(10), 4);
        for (String path : List.of("/", "/jobs.js", "/jobs.css", "/demo.css", "/xterm/xterm.js", "/xterm/xterm.css")) {
            HttpResponse<String> r = TestClient.http().send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + jobs.port() + path)).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(200, r.statusCode(), path);
            assertTrue(r.headers().firstValue("Content-Security-Policy").orElse("").contains("script-src 'self'"), path);
            assertFalse(java.util.regex.Pattern.compile("(src=|href=|url\\(|@import)\\s*[\"']?(https?:)?//")
                    .matcher(r.body()).find(), path + " loads nothing from elsewhere");
        }
        ExecutionException e = assertThrows(ExecutionException.class, () -> TestClient.connect(
                "ws://127.0.0.1:" + jobs.port() + "/ws", Map.of("Origin", "http://evil.example")));
        assertEquals(403, ((java.net.http.WebSocketHandshakeException) e.getCause()).getResponse().statusCode());
    }

    /** The terminal text of a server message (its ANSI escapes decoded). */
    private static String text(String json) {
        try {
            return String.valueOf(dev.selkie.demo.json.Json.parseObject(json).get("text"));
        } catch (dev.selkie.demo.json.JsonException e) {
            throw new AssertionError(json, e);
        }
    }
}
