package dev.selkie.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.selkie.CloseCodes;
import dev.selkie.SendResult;
import dev.selkie.SlowConsumerPolicy;
import dev.selkie.WebSocket;
import dev.selkie.protocol.ClientFrames;
import dev.selkie.protocol.Opcode;
import dev.selkie.protocol.ServerFrames;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The send side's limits, on the socketless harness with a peer that reads nothing until told:
 * backpressure and onDrain, both slow-consumer policies, what queued frames cost, the collapsed
 * pong and the ping flood.
 */
class HarnessSendLimitsTest {
    private static final String KB = "k".repeat(1000);

    private static ConnectionHarness harness(SlowConsumerPolicy policy) throws Exception {
        ConnectionHarness h = new ConnectionHarness(new Recorder(false), c -> {
            c.lowWaterMark = 16 << 10;
            c.highWaterMark = 64 << 10;
            c.sendQueueLimit = 256 << 10;
            c.slowConsumerPolicy = policy;
        }).upgrade();
        h.transport.capacity(0);
        return h;
    }

    @Test
    void backpressureAboveTheHighMarkAndOnDrainAtTheLowMark() throws Exception {
        ConnectionHarness h = harness(SlowConsumerPolicy.CLOSE);
        WebSocket ws = h.recorder.opened.get(0);
        int sent = 0;
        SendResult result;
        do {
            result = ws.send(KB);
            sent++;
        } while (result == SendResult.OK);
        assertEquals(SendResult.BACKPRESSURE, result);
        assertTrue(ws.bufferedAmount() > 64 << 10);
        h.loop.runPending();
        assertTrue(h.recorder.drained.isEmpty());
        h.drainPeer();
        assertEquals(sent, h.frames().size());
        assertEquals(List.of(ws), h.recorder.drained);
        assertEquals(0, ws.bufferedAmount());
        assertFalse(h.connection.holdsOutboundQueue(), "an idle connection holds no queue");
    }

    @Test
    void closePolicyDropsAndClosesWith1008() throws Exception {
        ConnectionHarness h = harness(SlowConsumerPolicy.CLOSE);
        WebSocket ws = h.recorder.opened.get(0);
        SendResult result;
        do {
            result = ws.send(KB);
        } while (result != SendResult.DROPPED);
        assertFalse(ws.isOpen());
        assertEquals(SendResult.DROPPED, ws.send("x"));
        assertTrue(ws.bufferedAmount() <= (256 << 10));
        h.loop.runPending(); // the policy's close, through the loop's task queue
        assertTrue(ws.bufferedAmount() <= (256 << 10) + OutboundQueue.CHUNK_COST, "only the close frame passes the limit");
        h.drainPeer();
        List<ServerFrames.Frame> frames = h.frames();
        assertEquals(CloseCodes.POLICY_VIOLATION, frames.get(frames.size() - 1).closeCode());
        assertEquals(1, h.loop.metrics().droppedMessages.sum());
    }

    @Test
    void dropPolicyDropsAndKeepsTheConnection() throws Exception {
        ConnectionHarness h = harness(SlowConsumerPolicy.DROP);
        WebSocket ws = h.recorder.opened.get(0);
        int dropped = 0;
        for (int i = 0; i < 1000; i++) {
            if (ws.send(KB) == SendResult.DROPPED) {
                dropped++;
            }
        }
        assertTrue(dropped > 0);
        assertEquals(dropped, h.loop.metrics().droppedMessages.sum());
        assertTrue(ws.isOpen());
        h.loop.runPending(); // the turn's end: the write that finds the socket full
        h.drainPeer();
        assertEquals(1000 - dropped, h.frames().size());
        assertEquals(SendResult.OK, ws.send("fresh"));
    }

    @Test
    void tinyFramesCountWhatTheyHoldNotTheirWireBytes() throws Exception {
        ConnectionHarness h = harness(SlowConsumerPolicy.DROP);
        WebSocket ws = h.recorder.opened.get(0);
        ws.send(""); // a 2-byte frame in a new write chunk
        assertEquals(OutboundQueue.CHUNK_COST, ws.bufferedAmount());
        ws.send("");
        assertEquals(OutboundQueue.CHUNK_COST, ws.bufferedAmount(), "the second shares the chunk");
        Thread other = new Thread(() -> ws.send("from elsewhere"));
        other.start();
        other.join();
        assertEquals(OutboundQueue.CHUNK_COST + 16 + OutboundQueue.ENTRY_OVERHEAD, ws.bufferedAmount(),
                "a frame from another thread is a buffer of its own");
    }

    @Test
    void pongsBeyondTheLimitCollapseIntoTheAnswerToTheLatestPing() throws Exception {
        ConnectionHarness h = harness(SlowConsumerPolicy.DROP);
        WebSocket ws = h.recorder.opened.get(0);
        Thread filler = new Thread(() -> {
            while (ws.send(KB) != SendResult.DROPPED) {
                // fill the queue to its limit with buffers of their own (no write chunk to share)
            }
        });
        filler.start();
        filler.join();
        h.loop.runPending();
        h.deliver(ClientFrames.concat(ClientFrames.ping(new byte[] {1}), ClientFrames.ping(new byte[] {2}),
                ClientFrames.ping(new byte[] {3})));
        h.drainPeer();
        List<ServerFrames.Frame> pongs = h.frames().stream().filter(f -> f.opcode() == Opcode.PONG).toList();
        assertEquals(1, pongs.size(), "one pending pong");
        assertEquals(3, pongs.get(0).payload()[0], "for the latest ping");
    }

    @Test
    void aPeerThatPingsWithoutReadingIsClosedAfterTheFloodLimit() throws Exception {
        ConnectionHarness h = harness(SlowConsumerPolicy.CLOSE);
        h.transport.capacity(1); // it took one byte and no more: writes are blocked
        h.deliver(ClientFrames.ping(new byte[0]));
        assertTrue(h.transport.writeBlocked());
        byte[] ping = ClientFrames.ping(new byte[0]);
        byte[] flood = new byte[ping.length * (SendQueue.MAX_PINGS_WHILE_BLOCKED - 1)];
        for (int i = 0; i < SendQueue.MAX_PINGS_WHILE_BLOCKED - 1; i++) {
            System.arraycopy(ping, 0, flood, i * ping.length, ping.length);
        }
        h.deliver(flood);
        assertTrue(h.recorder.closed.isEmpty(), "one short of the limit");
        h.deliver(ping);
        assertEquals(1, h.loop.metrics().read(LoopMetrics.CONTROL_FLOODS));
        assertFalse(h.recorder.opened.get(0).isOpen());
    }
}
