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
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * Abuse: a client of the echo server that sends 64 KiB messages as fast as it can and never reads
 * the echoes. It is closed with 1008 (slow consumer) once its queue reaches the limit, the heap grows
 * by no more than that limit, and another client is served throughout.
 */
class AbuseSlowConsumerTest extends ServerTestSupport {
    private static final long LIMIT = 4L << 20; // the default for 1 MiB messages

    @Test
    void aClientThatNeverReadsIsClosed1008WithBoundedHeap() throws Exception {
        Recorder recorder = new Recorder(true);
        WebSocketServer server = start(builder().listener(recorder).closeTimeout(Duration.ofSeconds(2)));
        long heapBefore = AbuseSupport.liveHeap();
        byte[] message = ClientFrames.binary(new byte[64 << 10]);
        AtomicLong sent = new AtomicLong();
        try (AbuseSupport.HealthyClient healthy = new AbuseSupport.HealthyClient(server.port());
             SocketChannel hog = SocketChannel.open(new InetSocketAddress("127.0.0.1", server.port()))) {
            hog.write(ByteBuffer.wrap(RawClient.upgradeRequest("/").getBytes(StandardCharsets.US_ASCII)));
            Thread writer = new Thread(() -> {
                try {
                    for (int i = 0; i < 2000; i++) { // 128 MiB at most
                        ByteBuffer frame = ByteBuffer.wrap(message);
                        while (frame.hasRemaining()) {
                            hog.write(frame);
                        }
                        sent.incrementAndGet();
                    }
                } catch (IOException e) {
                    // closed by the server: expected
                }
            }, "hog");
            writer.setDaemon(true);
            writer.start();
            await().atMost(Duration.ofSeconds(30)).until(() -> recorder.closed.stream()
                    .anyMatch(c -> c.code() == CloseCodes.POLICY_VIOLATION));
            long growth = AbuseSupport.liveHeap() - heapBefore;
            assertTrue(growth <= LIMIT + (8L << 20), "live heap grew by " + growth + " bytes");
            assertTrue(server.metrics().queuedBytes() <= LIMIT + OutboundQueue.CHUNK_COST + 4096);
            assertTrue(sent.get() > LIMIT / message.length, "the hog sent " + sent.get() + " messages");
            writer.join(10_000);
            assertTrue(!writer.isAlive(), "the hog's socket was closed by the server");
            healthy.stopAndCheck();
            assertTrue(healthy.echoes() > 0);
        }
        await().until(() -> server.metrics().openConnections() == 0);
        assertEquals(0, server.metrics().queuedBytes());
    }
}
