package dev.selkie.server;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.selkie.testing.RawClient;
import dev.selkie.CloseCodes;
import dev.selkie.WebSocketServer;
import dev.selkie.protocol.ClientFrames;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.TestReporter;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Abuse: clients that send pings as fast as they can and never read the pongs (issue 10: three such
 * connections writing {@code 89 80 00 00 00 00} five million times took 179 MB of heap each and
 * killed the event loop). The heap stays within the documented bound, the flooders are closed,
 * another client is served throughout, and the server stops normally afterwards.
 */
class AbusePongFloodTest extends ServerTestSupport {
    private static final int FLOODERS = 3;
    private static final long PINGS_PER_FLOODER = 3_000_000;
    /** The default hard limit for 1 MiB messages: what the reported attack ran against. */
    private static final long LIMIT = 4L << 20;

    @ParameterizedTest(name = "pings of {0} bytes")
    @ValueSource(ints = {0, 125})
    void floodersCannotGrowTheHeapAndOthersAreServed(int payloadSize, TestReporter reporter) throws Exception {
        Recorder recorder = new Recorder(true);
        WebSocketServer server = start(builder().listener(recorder).closeTimeout(Duration.ofSeconds(1)));
        long heapBefore = AbuseSupport.liveHeap();

        List<SocketChannel> flooders = new ArrayList<>();
        List<Thread> writers = new ArrayList<>();
        AtomicLong pingsWritten = new AtomicLong();
        byte[] batch = pingBatch(payloadSize);
        try (AbuseSupport.HealthyClient healthy = new AbuseSupport.HealthyClient(server.port())) {
            for (int i = 0; i < FLOODERS; i++) {
                SocketChannel channel = upgraded(server.port());
                flooders.add(channel);
                Thread writer = new Thread(() -> flood(channel, batch, payloadSize, pingsWritten), "flooder-" + i);
                writer.setDaemon(true);
                writers.add(writer);
            }
            writers.forEach(Thread::start);
            for (Thread writer : writers) {
                writer.join(120_000);
                assertTrue(!writer.isAlive(), "a flooder still writes after two minutes");
            }
            long heapAfter = AbuseSupport.liveHeap();
            long growth = heapAfter - heapBefore;
            // documented: per connection at most sendQueueLimit plus one write chunk of queued frames
            long bound = FLOODERS * (LIMIT + ChunkPool.CHUNK_SIZE + 128) + (24L << 20);
            assertTrue(growth <= bound, "live heap grew by " + growth + " bytes during a flood of "
                    + pingsWritten.get() + " pings; bound " + bound);
            assertTrue(healthy.echoes() > 0, "the healthy client was served during the flood");
            // the flooders are closed for it (their close frame cannot reach them: after the close timeout)
            await().atMost(Duration.ofSeconds(20)).until(() -> recorder.closed.size() == FLOODERS);
            assertTrue(recorder.closed.stream().allMatch(c -> c.code() == CloseCodes.POLICY_VIOLATION && !c.remote()),
                    recorder.closed.toString());
            assertEquals(FLOODERS, server.metrics().controlFloods());
            int echoes = healthy.stopAndCheck();
            reporter.publishEntry("flood", pingsWritten.get() + " pings of " + payloadSize + " B written; live heap "
                    + (growth >= 0 ? "+" : "") + growth + " B; " + echoes + " healthy echoes meanwhile");
        } finally {
            for (SocketChannel channel : flooders) {
                channel.close();
            }
        }
        long stopStarted = System.nanoTime();
        server.stop(STOP);
        awaitNoSelkieThreads();
        await().until(() -> recorder.closed.size() == FLOODERS + 1);
        assertTrue(System.nanoTime() - stopStarted < Duration.ofSeconds(10).toNanos(), "stop() returned in time");
    }

    /** Writes pings until the count is reached or the server drops the connection. */
    private static void flood(SocketChannel channel, byte[] batch, int payloadSize, AtomicLong written) {
        long pingsPerBatch = batch.length / (6 + payloadSize);
        ByteBuffer buffer = ByteBuffer.wrap(batch);
        try {
            for (long sent = 0; sent < PINGS_PER_FLOODER; sent += pingsPerBatch) {
                buffer.clear();
                while (buffer.hasRemaining()) {
                    channel.write(buffer);
                }
                written.addAndGet(pingsPerBatch);
            }
        } catch (IOException e) {
            // the server closed the flooder: what it should do
        }
    }

    private static byte[] pingBatch(int payloadSize) {
        byte[] ping = ClientFrames.frame(dev.selkie.protocol.Opcode.PING).payload(new byte[payloadSize])
                .mask(0).build();
        int count = (64 << 10) / ping.length;
        byte[] batch = new byte[count * ping.length];
        for (int i = 0; i < count; i++) {
            System.arraycopy(ping, 0, batch, i * ping.length, ping.length);
        }
        return batch;
    }

    /** A blocking channel after a completed upgrade; the 101 is read and nothing else ever is. */
    private static SocketChannel upgraded(int port) throws IOException {
        SocketChannel channel = SocketChannel.open(new InetSocketAddress("127.0.0.1", port));
        channel.write(ByteBuffer.wrap(RawClient.upgradeRequest("/").getBytes(java.nio.charset.StandardCharsets.US_ASCII)));
        ByteBuffer head = ByteBuffer.allocate(1024);
        while (!new String(head.array(), 0, head.position(), java.nio.charset.StandardCharsets.US_ASCII)
                .contains("\r\n\r\n")) {
            if (channel.read(head) < 0) {
                throw new IOException("closed during the handshake");
            }
        }
        return channel;
    }
}
