package dev.selkie.server;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.selkie.testing.RawClient;
import dev.selkie.CloseCodes;
import dev.selkie.WebSocket;
import dev.selkie.WebSocketServer;
import dev.selkie.protocol.ClientFrames;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * Executor mode under pressure: listener calls waiting for a slow executor are bounded (the
 * connection stops being read, and TCP pushes back on the client), and an executor that rejects
 * work closes the connection with 1011 and still reports its {@code onClose}.
 */
class ExecutorBoundsTest extends ServerTestSupport {
    private static final long LOW = 64 << 10;
    private static final long HIGH = 256 << 10;
    private static final int MESSAGE = 16 << 10;
    private static final int MESSAGES = 1000; // 16 MiB, far more than the bound

    @Test
    void aSlowExecutorPausesReadingInsteadOfQueueingWithoutLimit() throws Exception {
        ExecutorService pool = Executors.newSingleThreadExecutor();
        CountDownLatch release = new CountDownLatch(1);
        AtomicLong received = new AtomicLong();
        AtomicBoolean outOfOrder = new AtomicBoolean();
        Recorder recorder = new Recorder(false) {
            @Override
            public void onBinary(WebSocket ws, ByteBuffer data) {
                try {
                    release.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                if (data.getInt(0) != received.getAndIncrement()) {
                    outOfOrder.set(true);
                }
            }
        };
        try {
            WebSocketServer server = start(builder().listener(recorder).executor(pool).waterMarks(LOW, HIGH));
            AtomicLong sent = new AtomicLong();
            try (RawClient client = RawClient.open(server.port())) {
                Thread writer = new Thread(() -> {
                    try {
                        for (int i = 0; i < MESSAGES; i++) {
                            client.write(ClientFrames.binary(ByteBuffer.allocate(MESSAGE).putInt(0, i).array()));
                            sent.incrementAndGet();
                        }
                    } catch (IOException e) {
                        throw new java.io.UncheckedIOException(e);
                    }
                }, "writer");
                writer.setDaemon(true);
                writer.start();
                await().until(() -> recorder.opened.size() == 1);
                Session connection = (Session) recorder.opened.get(0);
                await().atMost(Duration.ofSeconds(10)).until(() -> connection.dispatchPendingBytes() > HIGH);
                // from then on the writer is held back: its messages wait in the sockets, not in our memory
                long bound = HIGH + (64 << 10) + (1 << 20) + SerialDispatcher.CALL_OVERHEAD * 128L;
                await().during(Duration.ofMillis(500)).atMost(Duration.ofSeconds(5)).until(() ->
                        sent.get() < MESSAGES && connection.dispatchPendingBytes() <= bound);
                release.countDown();
                writer.join(30_000);
                assertEquals(MESSAGES, sent.get());
                await().atMost(Duration.ofSeconds(30)).until(() -> received.get() == MESSAGES);
                assertTrue(!outOfOrder.get());
                assertEquals(0, connection.dispatchPendingBytes());
            }
            server.stop(STOP);
        } finally {
            release.countDown();
            pool.shutdown();
            assertTrue(pool.awaitTermination(10, TimeUnit.SECONDS));
        }
    }

    @Test
    void aRejectingExecutorClosesTheConnectionAndStillReportsOnClose() throws Exception {
        AtomicBoolean reject = new AtomicBoolean();
        java.util.concurrent.atomic.AtomicInteger running = new java.util.concurrent.atomic.AtomicInteger();
        ExecutorService pool = Executors.newSingleThreadExecutor();
        java.util.concurrent.Executor executor = task -> {
            if (reject.get()) {
                throw new RejectedExecutionException("saturated");
            }
            running.incrementAndGet();
            pool.execute(() -> {
                try {
                    task.run();
                } finally {
                    running.decrementAndGet();
                }
            });
        };
        java.util.List<String> closeThreads = new java.util.concurrent.CopyOnWriteArrayList<>();
        Recorder recorder = new Recorder(true) {
            @Override
            public void onClose(WebSocket ws, int code, String reason, boolean remote) {
                closeThreads.add(Thread.currentThread().getName());
                super.onClose(ws, code, reason, remote);
            }
        };
        try {
            WebSocketServer server = start(builder().listener(recorder).executor(executor));
            try (RawClient client = RawClient.open(server.port())) {
                client.sendText("accepted");
                assertEquals("accepted", client.readFrame().text());
                // once the connection's calls are done, its next call needs a new executor task: refused
                await().until(() -> running.get() == 0);
                reject.set(true);
                client.sendText("rejected");
                assertEquals(CloseCodes.INTERNAL_ERROR, client.readCloseCode());
                client.write(ClientFrames.close(CloseCodes.INTERNAL_ERROR, ""));
                assertTrue(client.closedByServer());
            }
            await().until(() -> recorder.closed.size() == 1);
            assertEquals(CloseCodes.INTERNAL_ERROR, recorder.closed.get(0).code());
            assertEquals(1, recorder.closeCalls.get(recorder.closed.get(0).ws()).get());
            assertEquals(1, server.metrics().executorRejections());
            assertTrue(closeThreads.get(0).startsWith("selkie-loop-"), closeThreads.toString());
        } finally {
            pool.shutdown();
            assertTrue(pool.awaitTermination(10, TimeUnit.SECONDS));
        }
    }
}
