package dev.selkie.server;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.selkie.WebSocket;
import dev.selkie.WebSocketListener;
import dev.selkie.WebSocketServer;
import java.lang.reflect.Method;
import java.net.URI;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * {@code executor(Executors.newVirtualThreadPerTaskExecutor())} on JDK 21 and later: listener calls
 * run on virtual threads, each connection's in order, {@code onClose} once each. The build compiles
 * for Java 17, so the executor and {@code Thread.isVirtual} are reached by reflection; on an older
 * JDK the test is skipped.
 */
class VirtualThreadExecutorTest extends ServerTestSupport {
    private static final int CONNECTIONS = 40;
    private static final int MESSAGES = 100;

    private static final class PerConnection {
        int next;
        int outOfOrder;
    }

    @Test
    void listenerCallsRunOnVirtualThreadsInOrderPerConnection() throws Exception {
        assumeTrue(Runtime.version().feature() >= 21, "virtual threads need JDK 21+, this is " + Runtime.version());
        ExecutorService executor = (ExecutorService) java.util.concurrent.Executors.class
                .getMethod("newVirtualThreadPerTaskExecutor").invoke(null);
        Method isVirtual = Thread.class.getMethod("isVirtual");

        Map<WebSocket, PerConnection> seen = new ConcurrentHashMap<>();
        Map<WebSocket, AtomicInteger> closes = new ConcurrentHashMap<>();
        AtomicInteger notVirtual = new AtomicInteger();
        AtomicInteger received = new AtomicInteger();
        WebSocketListener listener = new WebSocketListener() {
            private void check() {
                try {
                    if (!(Boolean) isVirtual.invoke(Thread.currentThread())) {
                        notVirtual.incrementAndGet();
                    }
                } catch (ReflectiveOperationException e) {
                    throw new IllegalStateException(e);
                }
            }

            @Override
            public void onOpen(WebSocket ws) {
                check();
                seen.put(ws, new PerConnection());
            }

            @Override
            public void onText(WebSocket ws, String text) {
                check();
                PerConnection state = seen.get(ws); // calls of one connection never overlap
                if (Integer.parseInt(text) != state.next++) {
                    state.outOfOrder++;
                }
                received.incrementAndGet();
                if (state.next == MESSAGES) {
                    ws.send("done");
                }
            }

            @Override
            public void onClose(WebSocket ws, int code, String reason, boolean remote) {
                check();
                closes.computeIfAbsent(ws, k -> new AtomicInteger()).incrementAndGet();
            }
        };
        try {
            WebSocketServer server = start(builder().listener(listener).executor(executor));
            HttpClient http = HttpClient.newHttpClient();
            URI uri = URI.create("ws://127.0.0.1:" + server.port() + "/");
            List<java.net.http.WebSocket> clients = new ArrayList<>();
            List<CompletableFuture<Void>> done = new ArrayList<>();
            for (int c = 0; c < CONNECTIONS; c++) {
                CompletableFuture<Void> finished = new CompletableFuture<>();
                done.add(finished);
                clients.add(http.newWebSocketBuilder().buildAsync(uri, new java.net.http.WebSocket.Listener() {
                    @Override
                    public java.util.concurrent.CompletionStage<?> onText(java.net.http.WebSocket ws,
                                                                          CharSequence data, boolean last) {
                        if ("done".contentEquals(data)) {
                            finished.complete(null);
                        }
                        ws.request(1);
                        return null;
                    }
                }).get(10, java.util.concurrent.TimeUnit.SECONDS));
            }
            for (java.net.http.WebSocket client : clients) { // each connection's messages numbered in order
                CompletableFuture<?> sent = CompletableFuture.completedFuture(null);
                for (int i = 0; i < MESSAGES; i++) {
                    String n = Integer.toString(i);
                    sent = sent.thenCompose(x -> client.sendText(n, true));
                }
                sent.get(10, java.util.concurrent.TimeUnit.SECONDS);
            }
            CompletableFuture.allOf(done.toArray(CompletableFuture[]::new)).get(30, java.util.concurrent.TimeUnit.SECONDS);
            assertEquals(CONNECTIONS * MESSAGES, received.get());
            for (java.net.http.WebSocket client : clients) {
                client.sendClose(java.net.http.WebSocket.NORMAL_CLOSURE, "").get(10, java.util.concurrent.TimeUnit.SECONDS);
            }
            await().atMost(Duration.ofSeconds(20)).until(() -> closes.size() == CONNECTIONS);
            assertEquals(CONNECTIONS, seen.size());
            seen.values().forEach(state -> {
                assertEquals(MESSAGES, state.next);
                assertEquals(0, state.outOfOrder, "a connection's messages in order");
            });
            closes.values().forEach(n -> assertEquals(1, n.get(), "onClose once per connection"));
            assertEquals(0, notVirtual.get(), "every listener call on a virtual thread");
        } finally {
            executor.shutdownNow();
        }
    }
}
