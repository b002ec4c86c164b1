package dev.selkie.server;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.selkie.testing.RawClient;
import dev.selkie.protocol.ServerFrames;
import dev.selkie.CloseCodes;
import dev.selkie.SendResult;
import dev.selkie.WebSocket;
import dev.selkie.WebSocketServer;
import dev.selkie.protocol.ClientFrames;
import dev.selkie.protocol.Opcode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntFunction;
import org.junit.jupiter.api.Test;

/** Many connections, many sending threads, broadcast, and stopping under load. */
class ConcurrencyTest extends ServerTestSupport {
    static final int CONNECTIONS = 1000;

    /** Opens {@code n} raw WebSocket clients, pipelining the handshakes. */
    static List<RawClient> openMany(int port, int n, IntFunction<String> path) throws IOException {
        List<RawClient> clients = new ArrayList<>(n);
        try {
            for (int i = 0; i < n; i++) {
                RawClient client = new RawClient(port);
                clients.add(client);
                client.write(RawClient.upgradeRequest(path.apply(i)));
            }
            for (RawClient client : clients) {
                String head = client.readHead();
                assertTrue(head.startsWith("HTTP/1.1 101"), head);
            }
            return clients;
        } catch (IOException | RuntimeException | Error e) {
            closeAll(clients);
            throw e;
        }
    }

    static void closeAll(List<RawClient> clients) {
        for (RawClient client : clients) {
            try {
                client.close();
            } catch (IOException e) {
                // closing anyway
            }
        }
    }

    @Test
    void thousandConnectionsEchoAtOnce() throws Exception {
        Recorder recorder = new Recorder(true);
        WebSocketServer server = start(builder().listener(recorder).loops(2));
        List<RawClient> clients = openMany(server.port(), CONNECTIONS, i -> "/" + i);
        try {
            await().atMost(Duration.ofSeconds(10)).until(() -> server.metrics().openConnections() == CONNECTIONS);
            for (int i = 0; i < CONNECTIONS; i++) {
                clients.get(i).sendText("hello " + i);
            }
            for (int i = 0; i < CONNECTIONS; i++) {
                assertEquals("hello " + i, clients.get(i).readFrame().text());
            }
            assertEquals(CONNECTIONS, server.metrics().messagesIn());
            assertEquals(CONNECTIONS, server.metrics().messagesOut());
            assertEquals(CONNECTIONS, server.metrics().acceptedHandshakes());
        } finally {
            closeAll(clients);
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> recorder.closed.size() == CONNECTIONS);
        assertEquals(0, server.metrics().openConnections());
        assertEquals(CONNECTIONS, recorder.closeCalls.size());
        assertTrue(recorder.closeCalls.values().stream().allMatch(calls -> calls.get() == 1));
        assertEquals(Long.valueOf(CONNECTIONS), server.metrics().closesByCode().get(CloseCodes.ABNORMAL_CLOSURE));
    }

    @Test
    void broadcastReachesThousandConnectionsFromAnyThread() throws Exception {
        Recorder recorder = new Recorder(false);
        WebSocketServer server = start(builder().listener(recorder).loops(2));
        List<RawClient> clients = openMany(server.port(), CONNECTIONS, i -> "/");
        try {
            await().atMost(Duration.ofSeconds(10)).until(() -> server.metrics().openConnections() == CONNECTIONS);
            server.broadcast("to everyone");
            server.broadcast(java.nio.ByteBuffer.wrap(new byte[] {1, 2, 3}));
            List<WebSocket> firstTen = new ArrayList<>(recorder.opened.subList(0, 10));
            server.broadcast("to some", firstTen);
            java.util.Set<Integer> chosen = new java.util.HashSet<>();
            firstTen.forEach(ws -> chosen.add(ws.remoteAddress().getPort()));
            for (int i = 0; i < CONNECTIONS; i++) {
                RawClient client = clients.get(i);
                // broadcasts to all go through each loop's task queue, in call order; a broadcast to
                // chosen recipients is queued directly and may overtake them
                List<String> got = new ArrayList<>();
                int expected = chosen.contains(client.socket.getLocalPort()) ? 3 : 2;
                for (int n = 0; n < expected; n++) {
                    ServerFrames.Frame frame = client.readFrame();
                    got.add(frame.opcode() == Opcode.BINARY ? "binary" + frame.payload().length : frame.text());
                }
                if (expected == 3) {
                    assertTrue(got.remove("to some"), got.toString());
                }
                assertEquals(List.of("to everyone", "binary3"), got);
            }
            await().atMost(Duration.ofSeconds(5))
                    .until(() -> server.metrics().messagesOut() == 2L * CONNECTIONS + 10);
        } finally {
            closeAll(clients);
        }
    }

    @Test
    void eightThreadsSendingToOneConnectionKeepEachThreadsOrder() throws Exception {
        Recorder recorder = new Recorder(false);
        WebSocketServer server = start(builder().listener(recorder));
        int threads = 8;
        int perThread = 2000;
        try (RawClient client = RawClient.open(server.port())) {
            await().until(() -> recorder.opened.size() == 1);
            WebSocket ws = recorder.opened.get(0);
            CountDownLatch go = new CountDownLatch(1);
            AtomicInteger dropped = new AtomicInteger();
            List<Thread> senders = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int id = t;
                Thread sender = new Thread(() -> {
                    try {
                        go.await();
                    } catch (InterruptedException e) {
                        return;
                    }
                    for (int i = 0; i < perThread; i++) {
                        if (ws.send(id + ":" + i) == SendResult.DROPPED) {
                            dropped.incrementAndGet();
                        }
                    }
                });
                sender.start();
                senders.add(sender);
            }
            go.countDown();
            int[] next = new int[threads];
            for (int n = 0; n < threads * perThread; n++) {
                String text = client.readFrame().text();
                int colon = text.indexOf(':');
                int id = Integer.parseInt(text.substring(0, colon));
                assertEquals(next[id], Integer.parseInt(text.substring(colon + 1)), "order of thread " + id);
                next[id]++;
            }
            for (Thread sender : senders) {
                sender.join();
            }
            assertEquals(0, dropped.get());
            await().until(() -> ws.bufferedAmount() == 0);
        }
    }

    @Test
    void stopWhileClientsAreSending() throws Exception {
        Recorder recorder = new Recorder(true);
        WebSocketServer server = builder().listener(recorder).loops(2).build();
        server.start();
        List<RawClient> clients = openMany(server.port(), 8, i -> "/");
        AtomicBoolean running = new AtomicBoolean(true);
        List<Thread> writers = new ArrayList<>();
        AtomicInteger sawGoingAway = new AtomicInteger();
        try {
            byte[] frame = ClientFrames.frame(Opcode.TEXT).payload("x".repeat(100)).build();
            for (RawClient client : clients) {
                // A real client stops sending data once it sees the close and answers it; a
                // client that kept writing into a socket the server then closes would get a RST,
                // which may discard the close frame still unread in its receive buffer.
                AtomicBoolean sending = new AtomicBoolean(true);
                Thread writer = new Thread(() -> {
                    try {
                        for (int i = 0; i < 100_000 && running.get() && sending.get(); i++) {
                            client.write(frame);
                        }
                    } catch (IOException e) {
                        // the server went away: expected
                    }
                });
                Thread reader = new Thread(() -> {
                    try {
                        while (true) {
                            ServerFrames.Frame f = client.readFrame();
                            if (f.opcode() == Opcode.CLOSE) {
                                if (f.closeCode() == CloseCodes.GOING_AWAY) {
                                    sawGoingAway.incrementAndGet();
                                }
                                sending.set(false);
                                writer.join(10_000);
                                client.write(ClientFrames.close(f.closeCode(), ""));
                                return;
                            }
                        }
                    } catch (IOException e) {
                        // closed
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                });
                writer.start();
                reader.start();
                writers.add(writer);
                writers.add(reader);
            }
            await().atMost(Duration.ofSeconds(10)).until(() -> recorder.texts.size() > 1000);
            server.stop(Duration.ofSeconds(10));
            running.set(false);
            for (Thread thread : writers) {
                thread.join(10_000);
                assertFalse(thread.isAlive());
            }
        } finally {
            running.set(false);
            closeAll(clients);
            server.stop(Duration.ZERO);
        }
        assertEquals(8, sawGoingAway.get());
        assertEquals(8, recorder.closed.size());
        awaitNoSelkieThreads();
        assertNotEquals(0, recorder.texts.size());
    }

    @Test
    void textPayloadIsUtf8OnTheWire() throws Exception {
        Recorder recorder = new Recorder(true);
        WebSocketServer server = start(builder().listener(recorder));
        try (RawClient client = RawClient.open(server.port())) {
            client.sendText("grüße 👋");
            ServerFrames.Frame frame = client.readFrame();
            assertEquals("grüße 👋", new String(frame.payload(), StandardCharsets.UTF_8));
        }
    }
}
