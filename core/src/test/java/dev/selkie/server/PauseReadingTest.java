package dev.selkie.server;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.selkie.CloseCodes;
import dev.selkie.WebSocket;
import dev.selkie.WebSocketListener;
import dev.selkie.WebSocketServer;
import dev.selkie.protocol.Opcode;
import dev.selkie.protocol.ServerFrames;
import dev.selkie.testing.RawClient;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;
import java.util.function.LongSupplier;
import org.junit.jupiter.api.Test;

/**
 * {@link WebSocket#pauseReading()} with real sockets on loopback: a paused connection pushes back on
 * a client until its writes block, and everything arrives in order after the resume; pings, the
 * server's stop and {@code close()} while paused.
 */
class PauseReadingTest extends ServerTestSupport {
    /** Messages the writer sends: far more than the socket buffers of a connection that is not read. */
    private static final int MESSAGES = 1024;
    private static final int MESSAGE_SIZE = 4096;

    /** Records each connection's numbered messages; pauses reading at the first one. */
    static final class Numbered implements WebSocketListener {
        final AtomicReference<WebSocket> ws = new AtomicReference<>();
        final AtomicInteger received = new AtomicInteger();
        final AtomicInteger outOfOrder = new AtomicInteger();
        final List<Integer> closes = new CopyOnWriteArrayList<>();
        final AtomicInteger pings = new AtomicInteger();
        final boolean pauseOnOpen;

        Numbered(boolean pauseOnOpen) {
            this.pauseOnOpen = pauseOnOpen;
        }

        @Override
        public void onOpen(WebSocket socket) {
            ws.set(socket);
            if (pauseOnOpen) {
                socket.pauseReading();
            }
        }

        @Override
        public void onText(WebSocket socket, String text) {
            int n = Integer.parseInt(text.substring(0, text.indexOf(':')));
            if (n != received.getAndIncrement()) {
                outOfOrder.incrementAndGet();
            }
            if (n == 0 && !pauseOnOpen) {
                socket.pauseReading();
            }
        }

        @Override
        public void onPing(WebSocket socket, ByteBuffer payload) {
            pings.incrementAndGet();
        }

        @Override
        public void onClose(WebSocket socket, int code, String reason, boolean remote) {
            closes.add(code);
        }
    }

    /** A plain client with a small send buffer, upgraded by hand. */
    static final class SmallClient implements AutoCloseable {
        final Socket socket = new Socket();
        final InputStream in;
        final OutputStream out;

        SmallClient(int port) throws IOException {
            socket.setSendBufferSize(8 << 10);
            socket.setTcpNoDelay(true);
            socket.connect(new InetSocketAddress("127.0.0.1", port), 10_000);
            socket.setSoTimeout(10_000);
            in = socket.getInputStream();
            out = socket.getOutputStream();
            out.write(RawClient.upgradeRequest("/").getBytes(StandardCharsets.ISO_8859_1));
            String head = readHead();
            assertTrue(head.startsWith("HTTP/1.1 101 "), head);
        }

        private String readHead() throws IOException {
            StringBuilder head = new StringBuilder();
            while (!head.toString().endsWith("\r\n\r\n")) {
                int b = in.read();
                if (b < 0) {
                    throw new IOException("closed in the response head: " + head);
                }
                head.append((char) b);
            }
            return head.toString();
        }

        void send(int opcode, byte[] payload) throws IOException {
            out.write(RawClient.frame(true, 0, opcode, payload));
        }

        /** The next whole server frame. */
        ServerFrames.Frame readFrame() throws IOException {
            ServerFrames.Reader reader = new ServerFrames.Reader(0);
            byte[] one = new byte[1];
            while (true) {
                int b = in.read();
                if (b < 0) {
                    throw new IOException("closed");
                }
                one[0] = (byte) b;
                List<ServerFrames.Frame> frames = reader.feed(ByteBuffer.wrap(one));
                if (!frames.isEmpty()) {
                    return frames.get(0);
                }
            }
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }

    private static byte[] numbered(int n) {
        byte[] message = new byte[MESSAGE_SIZE];
        java.util.Arrays.fill(message, (byte) 'x');
        byte[] prefix = (n + ":").getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(prefix, 0, message, 0, prefix.length);
        return message;
    }

    /** Waits until {@code value} has not changed over several polls while {@code also} holds. */
    private static void awaitStable(LongSupplier value, BooleanSupplier also) {
        long[] last = {-1};
        int[] stable = {0};
        await().pollInterval(Duration.ofMillis(50)).atMost(Duration.ofSeconds(20)).until(() -> {
            long now = value.getAsLong();
            stable[0] = now == last[0] && also.getAsBoolean() ? stable[0] + 1 : 0;
            last[0] = now;
            return stable[0] >= 6; // 300 ms without a change
        });
    }

    /** Waits until the writer has been inside one write, with no message taken, for a while. */
    private static void awaitWriterBlocked(AtomicLong written, AtomicInteger inWrite) {
        awaitStable(written::get, () -> inWrite.get() == 1);
    }

    private void pausedClientBlocksThenEverythingArrivesInOrder(WebSocketServer.Builder builder) throws Exception {
        Numbered listener = new Numbered(false);
        WebSocketServer server = start(builder.listener(listener));
        AtomicLong written = new AtomicLong();
        AtomicInteger inWrite = new AtomicInteger();
        AtomicReference<Throwable> writerFailed = new AtomicReference<>();
        try (SmallClient client = new SmallClient(server.port())) {
            Thread writer = new Thread(() -> {
                try {
                    for (int i = 0; i < MESSAGES; i++) {
                        inWrite.set(1);
                        client.send(Opcode.TEXT, numbered(i));
                        inWrite.set(0);
                        written.incrementAndGet();
                    }
                } catch (Throwable e) {
                    writerFailed.set(e);
                }
            }, "paused-test-writer");
            writer.setDaemon(true);
            writer.start();
            awaitWriterBlocked(written, inWrite);
            assertTrue(written.get() < MESSAGES, "the client's writes block: " + written.get());
            awaitStable(listener.received::get, () -> true); // an executor may still run calls already queued
            int delivered = listener.received.get();
            assertTrue(delivered >= 1 && delivered < MESSAGES, "delivered: " + delivered);
            WebSocket ws = listener.ws.get();
            assertTrue(ws.readingPaused());
            assertTrue(ws.isOpen());
            assertEquals(delivered, listener.received.get(), "nothing more delivered while paused");

            ws.resumeReading(); // from the test thread, not the loop's
            writer.join(20_000);
            assertFalse(writer.isAlive(), "the client's writes complete after the resume");
            assertEquals(null, writerFailed.get());
            await().until(() -> listener.received.get() == MESSAGES);
            assertEquals(0, listener.outOfOrder.get());
            assertTrue(listener.closes.isEmpty(), "open all along");
        }
        await().until(() -> listener.closes.size() == 1);
    }

    @Test
    void aPauseInOnTextBlocksTheClientsWritesAndTheResumeDeliversTheRestInOrder() throws Exception {
        pausedClientBlocksThenEverythingArrivesInOrder(builder());
    }

    @Test
    void aPauseInOnOpenDeliversNothingUntilTheResume() throws Exception {
        Numbered listener = new Numbered(true);
        WebSocketServer server = start(builder().listener(listener));
        AtomicLong written = new AtomicLong();
        AtomicInteger inWrite = new AtomicInteger();
        try (SmallClient client = new SmallClient(server.port())) {
            Thread writer = new Thread(() -> {
                try {
                    for (int i = 0; i < MESSAGES; i++) {
                        inWrite.set(1);
                        client.send(Opcode.TEXT, numbered(i));
                        inWrite.set(0);
                        written.incrementAndGet();
                    }
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            }, "paused-test-writer");
            writer.setDaemon(true);
            writer.start();
            awaitWriterBlocked(written, inWrite);
            assertEquals(0, listener.received.get(), "paused from onOpen: not one message");
            listener.ws.get().resumeReading();
            writer.join(20_000);
            assertFalse(writer.isAlive());
            await().until(() -> listener.received.get() == MESSAGES);
            assertEquals(0, listener.outOfOrder.get());
        }
    }

    @Test
    void inExecutorModeAPauseFromTheListenersThreadBlocksTheClientToo() throws Exception {
        ExecutorService executor = Executors.newFixedThreadPool(2);
        try {
            pausedClientBlocksThenEverythingArrivesInOrder(builder().executor(executor).waterMarks(64 << 10, 256 << 10));
        } finally {
            executor.shutdownNow();
        }
    }

    @Test
    void pingsWhilePausedAreAnsweredAfterTheResume() throws Exception {
        Numbered listener = new Numbered(true);
        WebSocketServer server = start(builder().listener(listener));
        try (SmallClient client = new SmallClient(server.port())) {
            await().until(() -> listener.ws.get() != null);
            client.send(Opcode.PING, new byte[] {1, 2, 3});
            client.socket.setSoTimeout(300);
            assertThrows(SocketTimeoutException.class, client::readFrame, "no pong while paused");
            assertEquals(0, listener.pings.get());
            client.socket.setSoTimeout(10_000);
            listener.ws.get().resumeReading();
            ServerFrames.Frame pong = client.readFrame();
            assertEquals(Opcode.PONG, pong.opcode());
            assertArrayEquals(new byte[] {1, 2, 3}, pong.payload());
            await().until(() -> listener.pings.get() == 1);
        }
    }

    @Test
    void theServersStopWhilePausedClosesWith1001AndReportsOnClose() throws Exception {
        Numbered listener = new Numbered(true);
        WebSocketServer server = builder().listener(listener).build();
        server.start();
        try (SmallClient client = new SmallClient(server.port())) {
            await().until(() -> listener.ws.get() != null);
            client.send(Opcode.TEXT, numbered(0)); // waits unread
            Thread stopper = new Thread(() -> server.stop(Duration.ofSeconds(5)), "paused-test-stop");
            stopper.start();
            ServerFrames.Frame close = client.readFrame();
            assertEquals(Opcode.CLOSE, close.opcode());
            assertEquals(CloseCodes.GOING_AWAY, close.closeCode());
            client.send(Opcode.CLOSE, RawClient.closePayload(CloseCodes.GOING_AWAY, ""));
            assertEquals(-1, client.in.read(), "the server closes TCP after the handshake");
            stopper.join(10_000);
            assertFalse(stopper.isAlive());
        }
        assertEquals(List.of(CloseCodes.GOING_AWAY), listener.closes);
        assertEquals(0, listener.received.get());
    }

    @Test
    void closeWhilePausedCompletesTheClosingHandshake() throws Exception {
        Numbered listener = new Numbered(true);
        WebSocketServer server = start(builder().listener(listener).closeTimeout(Duration.ofSeconds(5)));
        try (SmallClient client = new SmallClient(server.port())) {
            await().until(() -> listener.ws.get() != null);
            client.send(Opcode.TEXT, numbered(0));
            listener.ws.get().close(4002, "bye");
            ServerFrames.Frame close = client.readFrame();
            assertEquals(4002, close.closeCode());
            client.send(Opcode.CLOSE, RawClient.closePayload(4002, ""));
            assertEquals(-1, client.in.read());
        }
        await().until(() -> listener.closes.size() == 1);
        assertEquals(List.of(4002), listener.closes);
        assertEquals(0, listener.received.get(), "data after our close frame is dropped");
    }
}
