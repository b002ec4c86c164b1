package dev.selkie.server;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.selkie.testing.RawClient;
import dev.selkie.protocol.ServerFrames;
import dev.selkie.CloseCodes;
import dev.selkie.SendResult;
import dev.selkie.SlowConsumerPolicy;
import dev.selkie.WebSocket;
import dev.selkie.WebSocketServer;
import dev.selkie.protocol.Opcode;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A client that stops reading: backpressure, the hard limit, both policies, onDrain, isolation. */
class SlowConsumerTest extends ServerTestSupport {
    static final long LOW = 16 << 10;
    static final long HIGH = 64 << 10;
    static final long LIMIT = 256 << 10;
    static final String MESSAGE = "m".repeat(1000);
    /** What the policy's close frame may add past the limit: one write chunk. */
    static final int CONTROL_FRAME_MAX = OutboundQueue.CHUNK_COST;

    private WebSocketServer server(Recorder recorder, SlowConsumerPolicy policy) {
        return start(builder().listener(recorder).waterMarks(LOW, HIGH).sendQueueLimit(LIMIT)
                .slowConsumerPolicy(policy).closeTimeout(Duration.ofMillis(300)));
    }

    /** A client with a small receive window that reads nothing until the test lets it. */
    private static RawClient slowClient(int port) throws IOException {
        return RawClient.open(new RawClient(port, 10_000, 8192));
    }

    /**
     * Sends until 50 sends in a row were DROPPED (the socket and the queue are full then); returns
     * every result in order.
     */
    private static List<SendResult> sendUntilDropped(WebSocket ws, WebSocketServer server) {
        List<SendResult> results = new ArrayList<>();
        int dropsInARow = 0;
        for (int i = 0; i < 1_000_000; i++) {
            SendResult result = ws.send(MESSAGE);
            results.add(result);
            // data stays within the limit; only the policy's close frame (one write chunk) may go past it
            assertTrue(ws.bufferedAmount() <= LIMIT + CONTROL_FRAME_MAX, "buffered " + ws.bufferedAmount());
            assertTrue(server.metrics().queuedBytes() <= LIMIT + CONTROL_FRAME_MAX,
                    "queued " + server.metrics().queuedBytes());
            dropsInARow = result == SendResult.DROPPED ? dropsInARow + 1 : 0;
            if (dropsInARow == 50) {
                return results;
            }
        }
        throw new AssertionError("never dropped");
    }

    @Test
    void closePolicyReportsBackpressureThenDropsAndCloses1008() throws Exception {
        Recorder recorder = new Recorder(true);
        WebSocketServer server = server(recorder, SlowConsumerPolicy.CLOSE);
        try (RawClient slow = slowClient(server.port()); RawClient healthy = RawClient.open(server.port())) {
            await().until(() -> recorder.opened.size() == 2);
            WebSocket slowWs = byPort(recorder, slow);
            List<SendResult> results = sendUntilDropped(slowWs, server);
            int firstBackpressure = results.indexOf(SendResult.BACKPRESSURE);
            int firstDrop = results.indexOf(SendResult.DROPPED);
            assertTrue(firstBackpressure > 0, "OK before BACKPRESSURE");
            assertTrue(firstDrop > firstBackpressure, "BACKPRESSURE before DROPPED");
            // after the first drop the connection is closing: everything else is dropped too
            assertTrue(results.subList(firstDrop, results.size()).stream().allMatch(r -> r == SendResult.DROPPED));
            assertTrue(server.metrics().droppedMessages() >= 1);

            // the other connection is unaffected
            healthy.sendText("still here");
            assertEquals("still here", healthy.readFrame().text());

            await().atMost(Duration.ofSeconds(10)).until(() -> recorder.closeOf(slowWs) != null);
            assertEquals(CloseCodes.POLICY_VIOLATION, recorder.closeOf(slowWs).code());
            assertEquals(1, server.metrics().slowConsumerCloses());
            assertFalse(slowWs.isOpen());
            assertEquals(SendResult.DROPPED, slowWs.send("after"));
            assertEquals(0, slowWs.bufferedAmount());
            healthy.sendText("and still");
            assertEquals("and still", healthy.readFrame().text());
        }
        await().atMost(Duration.ofSeconds(5)).until(() -> server.metrics().queuedBytes() == 0);
    }

    @Test
    void dropPolicyKeepsTheConnectionAndDrainFiresWhenTheClientReadsAgain() throws Exception {
        Recorder recorder = new Recorder(false);
        WebSocketServer server = server(recorder, SlowConsumerPolicy.DROP);
        try (RawClient slow = slowClient(server.port())) {
            await().until(() -> recorder.opened.size() == 1);
            WebSocket ws = recorder.opened.get(0);

            // phase 1: one BACKPRESSURE, then the client reads everything: exactly one onDrain
            int sent = 0;
            SendResult result;
            do {
                result = ws.send(MESSAGE);
                sent++;
                assertTrue(sent < 1_000_000);
            } while (result == SendResult.OK);
            assertEquals(SendResult.BACKPRESSURE, result);
            for (int i = 0; i < sent; i++) {
                assertEquals(MESSAGE, slow.readFrame().text());
            }
            await().atMost(Duration.ofSeconds(10)).until(() -> recorder.drained.size() == 1);
            assertTrue(ws.bufferedAmount() <= LOW);

            // phase 2: past the hard limit: dropped and counted, the connection stays
            List<SendResult> results = sendUntilDropped(ws, server);
            assertTrue(results.contains(SendResult.BACKPRESSURE));
            long queuedMessages = results.stream().filter(r -> r != SendResult.DROPPED).count();
            long drops = results.size() - queuedMessages;
            assertEquals(drops, server.metrics().droppedMessages());
            assertEquals(0, server.metrics().slowConsumerCloses(), "DROP closes nothing");
            assertTrue(ws.isOpen());
            for (long i = 0; i < queuedMessages; i++) {
                ServerFrames.Frame frame = slow.readFrame();
                assertEquals(Opcode.TEXT, frame.opcode());
                assertEquals(MESSAGE, frame.text());
            }
            await().atMost(Duration.ofSeconds(10)).until(() -> recorder.drained.size() >= 2);
            await().atMost(Duration.ofSeconds(5)).until(() -> ws.bufferedAmount() == 0);
            assertEquals(SendResult.OK, ws.send("fresh"));
            assertEquals("fresh", slow.readFrame().text());
            assertTrue(recorder.closed.isEmpty());
        }
    }

    @Test
    void aPeerThatFloodsPingsWithoutReadingCannotGrowTheQueuePastTheLimitAndIsClosed1008() throws Exception {
        Recorder recorder = new Recorder(false);
        WebSocketServer server = server(recorder, SlowConsumerPolicy.CLOSE);
        try (RawClient flooder = RawClient.open(server.port())) {
            flooder.socket.setSoTimeout(20_000);
            byte[] ping = dev.selkie.protocol.ClientFrames.frame(Opcode.PING).payload(new byte[125]).build();
            java.io.ByteArrayOutputStream burst = new java.io.ByteArrayOutputStream();
            for (int i = 0; i < 1000; i++) {
                burst.writeBytes(ping);
            }
            byte[] bytes = burst.toByteArray();
            await().until(() -> recorder.opened.size() == 1);
            WebSocket ws = recorder.opened.get(0);
            try {
                for (int i = 0; i < 100; i++) {
                    flooder.write(bytes); // 100,000 pings, 12.7 MB of pongs if all were answered
                    assertTrue(ws.bufferedAmount() <= LIMIT + OutboundQueue.CHUNK_COST, "buffered " + ws.bufferedAmount());
                }
            } catch (IOException e) {
                // closed by the server while we flood: expected
            }
            await().until(() -> recorder.closed.size() == 1);
            assertEquals(CloseCodes.POLICY_VIOLATION, recorder.closed.get(0).code());
            assertEquals(1, server.metrics().controlFloods());
            assertFalse(ws.isOpen());
        }
    }

    private static WebSocket byPort(Recorder recorder, RawClient client) {
        int port = client.socket.getLocalPort();
        return recorder.opened.stream()
                .filter(ws -> ((InetSocketAddress) ws.remoteAddress()).getPort() == port)
                .findFirst().orElseThrow();
    }
}
