package dev.selkie.server;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.selkie.testing.RawClient;
import dev.selkie.protocol.ServerFrames;
import dev.selkie.CloseCodes;
import dev.selkie.WebSocket;
import dev.selkie.WebSocketListener;
import dev.selkie.WebSocketServer;
import dev.selkie.protocol.ClientFrames;
import dev.selkie.protocol.Opcode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.channels.ServerSocketChannel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/** start/stop, threads, the port, several loops, listener failures, executor dispatch. */
class LifecycleTest extends ServerTestSupport {

    @Test
    void stopSends1001ToEveryConnectionFreesThePortAndEndsEveryThread() throws Exception {
        Recorder recorder = new Recorder(true);
        WebSocketServer server = builder().listener(recorder).loops(3).build();
        server.start();
        int port = server.port();
        assertTrue(port > 0);
        List<RawClient> clients = new ArrayList<>();
        try {
            for (int i = 0; i < 6; i++) {
                clients.add(RawClient.open(port));
            }
            await().until(() -> recorder.opened.size() == 6);
            assertTrue(Thread.getAllStackTraces().keySet().stream()
                    .anyMatch(t -> t.getName().equals("selkie-loop-2") && !t.isDaemon()));
            Thread stopper = new Thread(() -> server.stop(Duration.ofSeconds(5)));
            stopper.start();
            for (RawClient client : clients) {
                ServerFrames.Frame close = client.readFrame();
                assertEquals(Opcode.CLOSE, close.opcode());
                assertEquals(CloseCodes.GOING_AWAY, close.closeCode());
                client.write(ClientFrames.frame(Opcode.CLOSE).payload(new byte[] {0x03, (byte) 0xE9}).build());
                assertTrue(client.closedByServer());
            }
            stopper.join(10_000);
            assertFalse(stopper.isAlive());
        } finally {
            for (RawClient client : clients) {
                client.close();
            }
        }
        assertEquals(6, recorder.closed.size());
        assertTrue(recorder.closed.stream().allMatch(c -> c.code() == CloseCodes.GOING_AWAY));
        awaitNoSelkieThreads();
        try (ServerSocketChannel again = ServerSocketChannel.open()) {
            again.bind(new InetSocketAddress("127.0.0.1", port));
        }
        server.stop(Duration.ofSeconds(1)); // idempotent
        assertThrows(IllegalStateException.class, server::start);
    }

    @Test
    void stopGivesUpOnPeersThatNeverAnswerAfterTheTimeout() throws Exception {
        Recorder recorder = new Recorder(true);
        WebSocketServer server = builder().listener(recorder).build();
        server.start();
        try (RawClient silent = RawClient.open(server.port())) {
            await().until(() -> recorder.opened.size() == 1);
            server.stop(Duration.ofMillis(200));
            assertTrue(silent.closedByServer());
        }
        assertEquals(1, recorder.closed.size());
        assertEquals(1, recorder.closeCalls.get(recorder.opened.get(0)).get());
        awaitNoSelkieThreads();
    }

    @Test
    void stopBeforeStartAndStartTwice() throws Exception {
        WebSocketServer never = builder().listener(new Recorder(false)).build();
        never.stop(Duration.ZERO);
        WebSocketServer server = start(builder().listener(new Recorder(false)));
        assertThrows(IllegalStateException.class, server::start);
    }

    @Test
    void anUnresolvableHostFailsStartWithAnIoExceptionAndLeavesNoThread() throws Exception {
        ServerConfig config = new TestConfig(new Recorder(false)).build();
        ServerEngine engine = new ServerEngine(new ServerConfig(java.net.InetSocketAddress.createUnresolved(
                "no-such-host.invalid", 0), config.listener(), config.interceptor(), config.httpHandler(),
                config.subprotocols(), config.maxMessageSize(), config.maxHandshakeSize(), config.maxHttpBodySize(),
                config.maxConnections(), config.outgoingFragmentSize(), config.highWaterMark(), config.lowWaterMark(),
                config.sendQueueLimit(), config.slowConsumerPolicy(), config.handshakeTimeout(), config.idleTimeout(),
                config.closeTimeout(), config.pingInterval(), config.pongTimeout(), null, 1, 16, true, null,
                java.util.List.of(), NetworkConfig.PLAIN, null, null, null));
        java.io.IOException e = assertThrows(java.io.IOException.class, engine::start);
        assertTrue(e.getMessage().contains("no-such-host.invalid"), e.getMessage());
        awaitNoSelkieThreads();
    }

    @Test
    void bindFailureIsReportedAndLeavesNoThread() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress())) {
            WebSocketServer server = builder().port(taken.getLocalPort()).listener(new Recorder(false)).build();
            assertThrows(UncheckedIOException.class, server::start);
        }
        awaitNoSelkieThreads();
    }

    @Test
    void listenerExceptionGoesToOnErrorAndNeverHurtsOtherConnections() throws Exception {
        Recorder recorder = new Recorder(true) {
            @Override
            public void onText(WebSocket ws, String text) {
                if (text.equals("boom")) {
                    throw new IllegalStateException("listener bug");
                }
                super.onText(ws, text);
            }
        };
        WebSocketServer server = start(builder().listener(recorder));
        try (RawClient a = RawClient.open(server.port()); RawClient b = RawClient.open(server.port())) {
            a.sendText("boom");
            a.sendText("after");
            assertEquals("after", a.readFrame().text());
            b.sendText("other");
            assertEquals("other", b.readFrame().text());
        }
        assertEquals(1, recorder.errors.size());
        assertEquals("listener bug", recorder.errors.get(0).getMessage());
    }

    @Test
    void executorKeepsPerConnectionOrderOffTheLoop() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<String> threads = new java.util.concurrent.CopyOnWriteArrayList<>();
            AtomicBoolean outOfOrder = new AtomicBoolean();
            WebSocketListener listener = new WebSocketListener() {
                private final java.util.Map<WebSocket, Integer> last = new java.util.concurrent.ConcurrentHashMap<>();

                @Override
                public void onOpen(WebSocket ws) {
                    last.put(ws, -1);
                }

                @Override
                public void onText(WebSocket ws, String text) {
                    threads.add(Thread.currentThread().getName());
                    int n = Integer.parseInt(text);
                    if (last.put(ws, n) != n - 1) {
                        outOfOrder.set(true);
                    }
                    ws.send(text);
                }
            };
            WebSocketServer server = start(builder().listener(listener).executor(pool));
            try (RawClient a = RawClient.open(server.port()); RawClient b = RawClient.open(server.port())) {
                java.io.ByteArrayOutputStream burst = new java.io.ByteArrayOutputStream();
                for (int i = 0; i < 500; i++) {
                    burst.writeBytes(ClientFrames.frame(Opcode.TEXT).payload(String.valueOf(i)).build());
                }
                a.write(burst.toByteArray());
                b.write(burst.toByteArray());
                for (int i = 0; i < 500; i++) {
                    assertEquals(String.valueOf(i), a.readFrame().text());
                    assertEquals(String.valueOf(i), b.readFrame().text());
                }
            }
            assertFalse(outOfOrder.get());
            assertTrue(threads.stream().noneMatch(name -> name.startsWith("selkie-")));
            server.stop(STOP); // before the pool ends: onClose calls still run on it
        } finally {
            pool.shutdown();
            assertTrue(pool.awaitTermination(10, TimeUnit.SECONDS));
        }
    }

    @Test
    void closeValidatesCodeAndReason() throws Exception {
        Recorder recorder = new Recorder(false);
        WebSocketServer server = start(builder().listener(recorder));
        try (RawClient client = RawClient.open(server.port())) {
            await().until(() -> recorder.opened.size() == 1);
            WebSocket ws = recorder.opened.get(0);
            assertThrows(IllegalArgumentException.class, () -> ws.close(1005, ""));
            assertThrows(IllegalArgumentException.class, () -> ws.close(1006, ""));
            assertThrows(IllegalArgumentException.class, () -> ws.close(999, ""));
            assertThrows(IllegalArgumentException.class, () -> ws.close(5000, ""));
            assertThrows(IllegalArgumentException.class, () -> ws.close(1000, "é".repeat(62)));
            assertThrows(IllegalArgumentException.class, () -> ws.ping(java.nio.ByteBuffer.allocate(126)));
            ws.close(1000, "x".repeat(123));
            ServerFrames.Frame close = client.readFrame();
            assertEquals(1000, close.closeCode());
            assertEquals(123, close.closeReason().length());
        }
    }

    @Test
    void loopsShareConnectionsRoundRobin() throws Exception {
        Recorder recorder = new Recorder(true);
        WebSocketServer server = start(builder().listener(recorder).loops(2));
        List<String> loopThreads = new java.util.concurrent.CopyOnWriteArrayList<>();
        try (RawClient a = RawClient.open(server.port()); RawClient b = RawClient.open(server.port())) {
            await().until(() -> recorder.opened.size() == 2);
            for (WebSocket ws : recorder.opened) {
                loopThreads.add(((Session) ws).connection().loop().thread().getName());
            }
            a.sendText("a");
            b.sendText("b");
            assertEquals("a", a.readFrame().text());
            assertEquals("b", b.readFrame().text());
        }
        assertEquals(java.util.Set.of("selkie-loop-0", "selkie-loop-1"), new java.util.HashSet<>(loopThreads));
    }

    @Test
    void anIdleConnectionHoldsNoQueueAndNoDecoder() throws Exception {
        Recorder recorder = new Recorder(true);
        WebSocketServer server = start(builder().listener(recorder));
        try (RawClient client = RawClient.open(server.port())) { // returns once the 101 has arrived
            await().until(() -> recorder.opened.size() == 1);
            Connection connection = ((Session) recorder.opened.get(0)).connection();
            assertFalse(onLoop(connection, connection::holdsOutboundQueue), "after the 101");
            assertFalse(onLoop(connection, () -> connection.session().holdsProtocolState()), "no frame yet");
            client.sendText("a");
            assertEquals("a", client.readFrame().text());
            assertFalse(onLoop(connection, connection::holdsOutboundQueue), "after the echo");
            assertTrue(onLoop(connection, () -> connection.session().holdsProtocolState()), "decoding since the first frame");
            client.sendText("b");
            assertEquals("b", client.readFrame().text());
        }
    }

    @Test
    void loopAndOtherThreadSendsOfEverySizeArriveInOrderPerSender() throws Exception {
        int count = 600;
        WebSocketServer server = start(builder().listener(new WebSocketListener() {
            @Override
            public void onText(WebSocket ws, String text) {
                Thread other = new Thread(() -> {
                    for (int i = 0; i < count; i++) {
                        ws.send("t" + i);
                    }
                });
                other.start();
                for (int i = 0; i < count; i++) { // on the loop: small ones go into write chunks
                    int size = i % 50 == 0 ? 5000 + i : i % 7 == 0 ? 4090 : i % 3;
                    if (i % 2 == 0) {
                        ws.send("L" + i + ":" + "x".repeat(size));
                    } else {
                        ws.send(java.nio.ByteBuffer.wrap(("B" + i + ":" + "y".repeat(size)).getBytes()));
                    }
                }
            }
        }));
        try (RawClient client = RawClient.open(server.port())) {
            client.sendText("go");
            int nextLoop = 0;
            int nextOther = 0;
            while (nextLoop < count || nextOther < count) {
                ServerFrames.Frame frame = client.readFrame();
                String text = frame.text();
                if (text.startsWith("t")) {
                    assertEquals("t" + nextOther++, text);
                } else {
                    String expectedPrefix = (nextLoop % 2 == 0 ? "L" : "B") + nextLoop + ":";
                    assertTrue(text.startsWith(expectedPrefix), "expected " + expectedPrefix + " got "
                            + text.substring(0, Math.min(20, text.length())));
                    assertEquals(nextLoop % 2 == 0 ? Opcode.TEXT : Opcode.BINARY, frame.opcode());
                    nextLoop++;
                }
            }
        }
    }

    /** Asks on the connection's loop thread, where its outbound state lives. */
    private static <T> T onLoop(Connection connection, java.util.function.Supplier<T> question) throws Exception {
        java.util.concurrent.CompletableFuture<T> answer = new java.util.concurrent.CompletableFuture<>();
        connection.loop().execute(() -> answer.complete(question.get()));
        return answer.get(5, TimeUnit.SECONDS);
    }

    static void closeQuietly(RawClient client) {
        try {
            client.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
