package dev.selkie.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.selkie.CloseCodes;
import dev.selkie.SendResult;
import dev.selkie.WebSocket;
import dev.selkie.protocol.ClientFrames;
import dev.selkie.protocol.Opcode;
import dev.selkie.protocol.ServerFrames;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Every way a connection closes, on the socketless harness: either side first, the close timeout,
 * a peer that vanishes, a close requested while a read is being delivered, a close while the
 * socket is full, a protocol error. onClose comes exactly once each time.
 */
class HarnessClosingTest {
    @Test
    void serverFirstThenThePeersEchoClosesTcpAtOnce() throws Exception {
        ConnectionHarness h = new ConnectionHarness(c -> { }).upgrade();
        WebSocket ws = h.recorder.opened.get(0);
        ws.send("last words");
        ws.close(CloseCodes.NORMAL, "done");
        assertFalse(ws.isOpen());
        assertEquals(SendResult.DROPPED, ws.send("too late"));
        h.loop.runPending();
        List<ServerFrames.Frame> frames = h.frames();
        assertEquals("last words", frames.get(0).text());
        assertEquals(CloseCodes.NORMAL, frames.get(1).closeCode());
        assertEquals(2, frames.size());
        h.sendText("dropped: after our close"); // data after our close frame is not delivered
        assertTrue(h.recorder.texts.isEmpty());
        assertTrue(h.recorder.closed.isEmpty());
        h.deliver(ClientFrames.close(CloseCodes.NORMAL, ""));
        assertTrue(h.transport.closed);
        assertFalse(h.transport.outputShutdown, "a clean close: no lingering, the server closes TCP first");
        assertClosedOnce(h, CloseCodes.NORMAL, false);
    }

    @Test
    void peerFirstIsEchoedAndReportedAsRemote() throws Exception {
        ConnectionHarness h = new ConnectionHarness(c -> { }).upgrade();
        h.deliver(ClientFrames.close(4001, "see you"));
        assertEquals(4001, h.closeCode());
        assertTrue(h.transport.closed);
        assertClosedOnce(h, 4001, true);
        assertEquals("see you", h.recorder.closed.get(0).reason());
    }

    @Test
    void anEmptyClosePeerFirstIsEchoedEmptyAndReported1005() throws Exception {
        ConnectionHarness h = new ConnectionHarness(c -> { }).upgrade();
        h.deliver(ClientFrames.closeEmpty());
        ServerFrames.Frame echo = h.frame();
        assertEquals(0, echo.payload().length);
        assertClosedOnce(h, CloseCodes.NO_STATUS_RECEIVED, true);
    }

    @Test
    void aPeerThatVanishesIsReported1006() throws Exception {
        ConnectionHarness h = new ConnectionHarness(c -> { }).upgrade();
        h.transport.endOfStream();
        assertTrue(h.transport.closed);
        assertClosedOnce(h, CloseCodes.ABNORMAL_CLOSURE, true);

        ConnectionHarness reset = new ConnectionHarness(c -> { }).upgrade();
        reset.transport.reset();
        assertClosedOnce(reset, CloseCodes.ABNORMAL_CLOSURE, true);
    }

    @Test
    void aPeerThatVanishesAfterOurCloseReportsOurCode() throws Exception {
        ConnectionHarness h = new ConnectionHarness(c -> { }).upgrade();
        h.recorder.opened.get(0).close(CloseCodes.GOING_AWAY, "bye");
        h.loop.runPending();
        h.transport.endOfStream();
        assertClosedOnce(h, CloseCodes.GOING_AWAY, false);
    }

    @Test
    void aCloseRequestedWhileAReadIsDeliveredComesAfterWhatTheListenerSent() throws Exception {
        Recorder closer = new Recorder(true) {
            @Override
            public void onText(WebSocket ws, String text) {
                super.onText(ws, text); // echoes
                if (text.equals("stop")) {
                    ws.close(4002, "stopped");
                }
            }
        };
        ConnectionHarness h = new ConnectionHarness(closer, c -> { }).upgrade();
        h.deliver(ClientFrames.concat(ClientFrames.text("one"), ClientFrames.text("stop"), ClientFrames.text("three")));
        assertEquals(List.of("one", "stop"), h.recorder.texts, "the message after the close is not delivered");
        List<ServerFrames.Frame> frames = h.frames();
        assertEquals(List.of("one", "stop"), List.of(frames.get(0).text(), frames.get(1).text()));
        assertEquals(4002, frames.get(2).closeCode());
        assertEquals(3, frames.size());
        h.deliver(ClientFrames.close(4002, ""));
        assertClosedOnce(h, 4002, false);
    }

    @Test
    void aCloseWhileTheSocketIsFullGoesOutAfterTheQueuedData() throws Exception {
        ConnectionHarness h = new ConnectionHarness(c -> { }).upgrade();
        WebSocket ws = h.recorder.opened.get(0);
        h.transport.capacity(0); // the peer stops reading
        for (int i = 0; i < 10; i++) {
            ws.send("queued " + i);
        }
        h.loop.runPending();
        assertTrue(h.transport.writeBlocked());
        ws.close(CloseCodes.NORMAL, "");
        h.loop.runPending();
        assertTrue(h.frames().isEmpty());
        h.drainPeer();
        List<ServerFrames.Frame> frames = h.frames();
        assertEquals(11, frames.size());
        for (int i = 0; i < 10; i++) {
            assertEquals("queued " + i, frames.get(i).text());
        }
        assertEquals(Opcode.CLOSE, frames.get(10).opcode());
        h.deliver(ClientFrames.close(CloseCodes.NORMAL, ""));
        assertClosedOnce(h, CloseCodes.NORMAL, false);
    }

    @Test
    void aProtocolErrorIsAnsweredThenTheServerLingersForThePeersFin() throws Exception {
        ConnectionHarness h = new ConnectionHarness(c -> c.closeTimeout = Duration.ofSeconds(1)).upgrade();
        h.deliver(ClientFrames.frame(Opcode.TEXT).payload("unmasked").unmasked().build());
        assertEquals(CloseCodes.PROTOCOL_ERROR, h.closeCode());
        assertTrue(h.transport.outputShutdown, "FIN after the close frame");
        assertFalse(h.transport.closed, "so that the peer reads the reason before the socket goes");
        assertClosedOnce(h, CloseCodes.PROTOCOL_ERROR, false);
        h.advance(Duration.ofSeconds(1));
        assertTrue(h.transport.closed);
        assertEquals(1, h.recorder.closed.size());
    }

    @Test
    void theServersStopClosesOpenConnectionsWith1001AndDropsHandshakes() throws Exception {
        ConnectionHarness h = new ConnectionHarness(c -> { }).upgrade();
        h.connection.shutdown(CloseCodes.GOING_AWAY, "server shutting down");
        h.loop.runPending();
        assertEquals(CloseCodes.GOING_AWAY, h.closeCode());

        ConnectionHarness handshaking = new ConnectionHarness(c -> { });
        handshaking.deliver("GET / HTTP/1.1\r\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        handshaking.connection.shutdown(CloseCodes.GOING_AWAY, "server shutting down");
        assertTrue(handshaking.transport.closed);
        assertTrue(handshaking.recorder.closed.isEmpty(), "never opened: no onClose");
    }

    private static void assertClosedOnce(ConnectionHarness h, int code, boolean remote) {
        assertEquals(1, h.recorder.closed.size(), "onClose calls");
        assertEquals(code, h.recorder.closed.get(0).code());
        assertEquals(remote, h.recorder.closed.get(0).remote());
        assertEquals(0, h.loop.metrics().read(LoopMetrics.OPEN));
    }
}
