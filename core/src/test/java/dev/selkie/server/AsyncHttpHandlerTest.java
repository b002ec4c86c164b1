package dev.selkie.server;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.selkie.AsyncHttpHandler;
import dev.selkie.HttpRequest;
import dev.selkie.HttpResponse;
import dev.selkie.WebSocketServer;
import dev.selkie.testing.RawClient;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The asynchronous HTTP handler: later, failed, never, the client gone, many at once beside a WebSocket. */
class AsyncHttpHandlerTest extends ServerTestSupport {

    /** A handler whose responses the test completes: each request's future, in arrival order. */
    static final class Pending implements AsyncHttpHandler {
        final BlockingQueue<CompletableFuture<HttpResponse>> futures = new LinkedBlockingQueue<>();
        final BlockingQueue<HttpRequest> requests = new LinkedBlockingQueue<>();
        final List<String> threads = new java.util.concurrent.CopyOnWriteArrayList<>();

        @Override
        public CompletableFuture<HttpResponse> handle(HttpRequest request) {
            CompletableFuture<HttpResponse> future = new CompletableFuture<>();
            threads.add(Thread.currentThread().getName());
            requests.add(request);
            futures.add(future);
            return future;
        }

        CompletableFuture<HttpResponse> next() throws InterruptedException {
            CompletableFuture<HttpResponse> future = futures.poll(10, TimeUnit.SECONDS);
            assertTrue(future != null, "the handler was not called");
            return future;
        }
    }

    private static void completeOnAnotherThread(Runnable completion) throws InterruptedException {
        Thread completer = new Thread(completion, "completer");
        completer.start();
        completer.join(10_000);
    }

    @Test
    void aResponseCompletedLaterOnAnotherThreadIsWrittenAndTheConnectionClosed() throws Exception {
        Pending handler = new Pending();
        WebSocketServer server = start(builder().listener(new Recorder(false)).asyncHttpHandler(handler));
        try (RawClient client = new RawClient(server.port())) {
            // a pipelined second request is not read while the first is pending: one request per connection
            client.write("POST /hook HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nhello"
                    + "GET /second HTTP/1.1\r\nHost: x\r\n\r\n");
            CompletableFuture<HttpResponse> future = handler.next();
            HttpRequest request = handler.requests.take();
            assertEquals("/hook", request.path());
            assertEquals("hello", new String(request.body(), StandardCharsets.UTF_8));
            assertTrue(handler.threads.get(0).startsWith("selkie-"), "called on the loop: " + handler.threads);
            assertEquals(0, client.input().available(), "nothing is written before the stage completes");
            completeOnAnotherThread(() -> future.complete(HttpResponse.text(202, "queued")
                    .withHeader("Set-Cookie", "a=1").withHeader("Set-Cookie", "b=2")));
            RawClient.HttpReply reply = client.readResponse();
            assertEquals(202, reply.status());
            assertEquals("queued", reply.body());
            assertTrue(reply.head().contains("Set-Cookie: a=1\r\nSet-Cookie: b=2\r\n"), reply.head());
            assertTrue(client.closedByServer(), "closed after the one response");
        }
        assertEquals(1, handler.threads.size(), "the pipelined request was never handled");
    }

    @Test
    void stagesAlreadyCompletedAreAnsweredAtOnce() throws Exception {
        WebSocketServer done = start(builder().listener(new Recorder(false)).asyncHttpHandler(
                request -> CompletableFuture.completedFuture(HttpResponse.text(200, "done " + request.path()))));
        WebSocketServer minimal = start(builder().listener(new Recorder(false)).asyncHttpHandler(
                request -> CompletableFuture.completedStage(HttpResponse.text(200, "minimal " + request.path()))));
        WebSocketServer pool = start(builder().listener(new Recorder(false)).asyncHttpHandler(
                request -> CompletableFuture.supplyAsync(() -> HttpResponse.text(200, "pool " + request.path()))));
        for (WebSocketServer server : new WebSocketServer[] {done, minimal, pool}) {
            try (RawClient client = new RawClient(server.port())) {
                client.write("GET /x HTTP/1.1\r\nHost: x\r\n\r\n");
                RawClient.HttpReply reply = client.readResponse();
                assertEquals(200, reply.status());
                assertTrue(reply.body().endsWith(" /x"), reply.body());
                assertTrue(client.closedByServer());
            }
        }
    }

    @Test
    void aStageCompletedExceptionallyOrWithNullGives500() throws Exception {
        Pending handler = new Pending();
        WebSocketServer server = start(builder().listener(new Recorder(false)).asyncHttpHandler(handler));
        List<Runnable> failures = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            try (RawClient client = new RawClient(server.port())) {
                client.write("GET / HTTP/1.1\r\nHost: x\r\n\r\n");
                CompletableFuture<HttpResponse> future = handler.next();
                Runnable fail = switch (i) {
                    case 0 -> () -> future.completeExceptionally(new IllegalStateException("upstream down"));
                    case 1 -> () -> future.complete(null);
                    default -> () -> future.cancel(false);
                };
                completeOnAnotherThread(fail);
                failures.add(fail);
                RawClient.HttpReply reply = client.readResponse();
                assertEquals(500, reply.status());
                assertEquals("internal server error\n", reply.body());
                assertTrue(client.closedByServer());
            }
        }
        assertEquals(3, failures.size());
    }

    @Test
    void aHandlerThatThrowsOrReturnsNoStageGives500() throws Exception {
        WebSocketServer throwing = start(builder().listener(new Recorder(false)).asyncHttpHandler(request -> {
            throw new IllegalStateException("boom");
        }));
        WebSocketServer nullStage = start(builder().listener(new Recorder(false)).asyncHttpHandler(request -> null));
        for (WebSocketServer server : new WebSocketServer[] {throwing, nullStage}) {
            try (RawClient client = new RawClient(server.port())) {
                client.write("GET / HTTP/1.1\r\nHost: x\r\n\r\n");
                assertEquals(500, client.readResponse().status());
            }
        }
    }

    @Test
    void aStageThatNeverCompletesGets503AtTheHandshakeTimeoutAndALateCompletionIsIgnored() throws Exception {
        Pending handler = new Pending();
        WebSocketServer server = start(builder().listener(new Recorder(false)).maxConnections(1)
                .handshakeTimeout(Duration.ofMillis(300)).asyncHttpHandler(handler));
        CompletableFuture<HttpResponse> future;
        try (RawClient client = new RawClient(server.port())) {
            client.write("GET /slow HTTP/1.1\r\nHost: x\r\n\r\n");
            future = handler.next();
            RawClient.HttpReply reply = client.readResponse();
            assertEquals(503, reply.status());
            assertEquals("the response did not come in time\n", reply.body());
            assertTrue(client.closedByServer());
        }
        await().until(() -> server.metrics().rejectedHandshakes(dev.selkie.RejectionReason.HANDSHAKE_TIMEOUT) == 1L);
        completeOnAnotherThread(() -> future.complete(HttpResponse.text(200, "too late")));
        assertServesAgain(server, handler);
    }

    @Test
    void aClientThatLeavesBeforeTheResponseLeavesNothingBehind() throws Exception {
        Pending handler = new Pending();
        // one connection at most: a connection that stayed counted would make the next request a 503
        WebSocketServer server = start(builder().listener(new Recorder(false)).maxConnections(1)
                .asyncHttpHandler(handler));
        RawClient leaving = new RawClient(server.port());
        leaving.write("GET /slow HTTP/1.1\r\nHost: x\r\n\r\n");
        CompletableFuture<HttpResponse> future = handler.next();
        leaving.socket.setSoLinger(true, 0); // a reset, as a client that crashed
        leaving.close();
        completeOnAnotherThread(() -> future.complete(HttpResponse.text(200, "nobody reads this")));
        assertServesAgain(server, handler);

        // and one that leaves while the stage never completes: gone at the handshake timeout
        WebSocketServer timed = start(builder().listener(new Recorder(false)).maxConnections(1)
                .handshakeTimeout(Duration.ofMillis(300)).asyncHttpHandler(handler));
        try (RawClient client = new RawClient(timed.port())) {
            client.write("GET /never HTTP/1.1\r\nHost: x\r\n\r\n");
            handler.next();
        }
        assertServesAgain(timed, handler);
        assertEquals(0, server.metrics().openConnections());
        assertEquals(0, timed.metrics().openConnections());
    }

    /** A new request is answered (not 503 for too many connections) once the last one is gone. */
    private static void assertServesAgain(WebSocketServer server, Pending handler) {
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            try (RawClient client = new RawClient(server.port())) {
                client.write("GET /again HTTP/1.1\r\nHost: x\r\n\r\n");
                CompletableFuture<HttpResponse> next = handler.futures.poll(100, TimeUnit.MILLISECONDS);
                if (next == null) { // refused before the handler (503): the old connection still counts
                    fail("not handled: " + client.readResponse().status());
                }
                next.complete(HttpResponse.text(200, "again"));
                RawClient.HttpReply reply = client.readResponse();
                assertEquals(200, reply.status());
                assertEquals("again", reply.body());
            }
        });
    }

    @Test
    void manyPendingResponsesDoNotHoldUpAWebSocketOnTheSameLoop() throws Exception {
        Pending handler = new Pending();
        WebSocketServer server = start(builder().listener(new Recorder(true)).asyncHttpHandler(handler));
        int requests = 50;
        List<RawClient> clients = new ArrayList<>();
        try (AbuseSupport.HealthyClient healthy = new AbuseSupport.HealthyClient(server.port())) {
            for (int i = 0; i < requests; i++) {
                RawClient client = new RawClient(server.port());
                clients.add(client);
                client.write("GET /r" + i + " HTTP/1.1\r\nHost: x\r\n\r\n");
            }
            await().until(() -> handler.futures.size() == requests);
            int before = healthy.echoes();
            await().until(() -> healthy.echoes() >= before + 20); // echoing while all 50 wait
            List<CompletableFuture<HttpResponse>> futures = new ArrayList<>(handler.futures);
            List<HttpRequest> seen = new ArrayList<>(handler.requests);
            completeOnAnotherThread(() -> {
                for (int i = 0; i < futures.size(); i++) {
                    futures.get(i).complete(HttpResponse.text(200, "answer " + seen.get(i).path()));
                }
            });
            for (int i = 0; i < requests; i++) {
                RawClient.HttpReply reply = clients.get(i).readResponse();
                assertEquals(200, reply.status());
                assertEquals("answer /r" + i, reply.body());
            }
            int after = healthy.echoes();
            await().until(() -> healthy.echoes() > after);
            healthy.stopAndCheck();
        } finally {
            for (RawClient client : clients) {
                client.close();
            }
        }
    }
}
