package dev.selkie.server;

import dev.selkie.RejectionReason;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.selkie.testing.RawClient;
import dev.selkie.WebSocketServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Abuse: a thousand clients that start a handshake and send one byte of it every 2 seconds
 * (slowloris). Each is closed when its handshake timeout runs out, a real client is served quickly
 * meanwhile, and the server's descriptors go back to what they were.
 */
class AbuseSlowlorisTest extends ServerTestSupport {
    private static final int SLOW_CLIENTS = 1000;
    private static final Duration HANDSHAKE_TIMEOUT = Duration.ofSeconds(3);
    private static final long BYTE_INTERVAL_NANOS = Duration.ofSeconds(2).toNanos();

    @Test
    void halfSentHandshakesAreClosedAtTheTimeoutWhileOthersAreServed() throws Exception {
        Recorder recorder = new Recorder(true);
        WebSocketServer server = start(builder().listener(recorder).handshakeTimeout(HANDSHAKE_TIMEOUT));
        int baseline = AbuseSupport.openDescriptors();
        byte[] request = RawClient.upgradeRequest("/").getBytes(StandardCharsets.US_ASCII);

        List<SlowClient> clients = new ArrayList<>();
        try (Selector selector = Selector.open()) {
            for (int i = 0; i < SLOW_CLIENTS; i++) {
                SocketChannel channel = SocketChannel.open(new InetSocketAddress("127.0.0.1", server.port()));
                channel.configureBlocking(false);
                SlowClient client = new SlowClient(channel, System.nanoTime());
                channel.register(selector, SelectionKey.OP_READ, client);
                clients.add(client);
            }
            long lastConnect = System.nanoTime();
            try (AbuseSupport.HealthyClient healthy = new AbuseSupport.HealthyClient(server.port())) {
                long deadline = lastConnect + HANDSHAKE_TIMEOUT.toNanos() + Duration.ofSeconds(15).toNanos();
                long nextByte = 0;
                int open = SLOW_CLIENTS;
                ByteBuffer sink = ByteBuffer.allocate(1024);
                while (open > 0 && System.nanoTime() < deadline) {
                    if (System.nanoTime() >= nextByte) {
                        for (SlowClient client : clients) {
                            client.sendNextByte(request);
                        }
                        nextByte = System.nanoTime() + BYTE_INTERVAL_NANOS;
                    }
                    selector.select(100);
                    for (SelectionKey key : selector.selectedKeys()) {
                        SlowClient client = (SlowClient) key.attachment();
                        sink.clear();
                        int n;
                        try {
                            n = client.channel.read(sink);
                        } catch (IOException e) {
                            n = -1;
                        }
                        assertTrue(n <= 0, "the server answered a handshake that never completed");
                        if (n < 0) {
                            client.closedAt = System.nanoTime();
                            key.cancel();
                            client.channel.close();
                            open--;
                        }
                    }
                    selector.selectedKeys().clear();
                }
                assertEquals(0, open, "slow clients still open well after the handshake timeout");
                assertTrue(healthy.echoes() > 0);
                healthy.stopAndCheck();
            }
        } finally {
            for (SlowClient client : clients) {
                client.channel.close();
            }
        }
        long timeout = HANDSHAKE_TIMEOUT.toNanos();
        for (SlowClient client : clients) {
            long lived = client.closedAt - client.connectedAt;
            assertTrue(lived >= timeout - Duration.ofMillis(100).toNanos(), "closed before its timeout: " + lived);
            assertTrue(client.sent < request.length, "the whole request was never sent");
        }
        assertEquals(SLOW_CLIENTS, server.metrics().rejectedHandshakes(RejectionReason.HANDSHAKE_TIMEOUT));
        await().until(() -> server.metrics().openConnections() == 0); // the healthy client's close
        await().until(() -> AbuseSupport.openDescriptors() <= baseline);
    }

    private static final class SlowClient {
        final SocketChannel channel;
        final long connectedAt;
        long closedAt;
        int sent;

        SlowClient(SocketChannel channel, long connectedAt) {
            this.channel = channel;
            this.connectedAt = connectedAt;
        }

        void sendNextByte(byte[] request) throws IOException {
            if (closedAt == 0 && channel.isOpen() && sent < request.length - 1) {
                try {
                    if (channel.write(ByteBuffer.wrap(request, sent, 1)) == 1) {
                        sent++;
                    }
                } catch (IOException e) {
                    // closed by the server meanwhile; the read side sees it
                }
            }
        }
    }
}
