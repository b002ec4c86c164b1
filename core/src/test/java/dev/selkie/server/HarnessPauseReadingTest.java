package dev.selkie.server;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.selkie.CloseCodes;
import dev.selkie.WebSocket;
import dev.selkie.protocol.ClientFrames;
import dev.selkie.protocol.Opcode;
import dev.selkie.protocol.ServerFrames;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArraySet;
import org.junit.jupiter.api.Test;

/**
 * The application's read pause ({@link WebSocket#pauseReading()}) on the socketless harness with a
 * manual clock: where decoding stops in a read of several frames, what the timers make of a pause,
 * the closing handshake, and how the pause combines with the executor's.
 */
class HarnessPauseReadingTest {
    private static final Duration MS = Duration.ofMillis(1);

    /** Echoes, and pauses reading when a text message is in {@link #pauseOn}. */
    static final class Pausing extends Recorder {
        final Set<String> pauseOn = new CopyOnWriteArraySet<>();
        final List<String> pausedSeen = new ArrayList<>();

        Pausing(String... pauseOn) {
            super(true);
            this.pauseOn.addAll(List.of(pauseOn));
        }

        @Override
        public void onText(WebSocket ws, String text) {
            super.onText(ws, text);
            if (pauseOn.contains(text)) {
                ws.pauseReading();
                pausedSeen.add(text + ":" + ws.readingPaused());
            }
        }
    }

    private static byte[] texts(String... texts) {
        byte[][] frames = new byte[texts.length][];
        for (int i = 0; i < texts.length; i++) {
            frames[i] = ClientFrames.text(texts[i]);
        }
        return ClientFrames.concat(frames);
    }

    @Test
    void aPauseInOnTextStopsDecodingAfterThatMessageAndTheRestOfTheReadWaitsForTheResume() throws Exception {
        Pausing listener = new Pausing("one");
        ConnectionHarness h = new ConnectionHarness(listener, c -> { }).upgrade();
        WebSocket ws = h.recorder.opened.get(0);
        // one read: three messages and a ping
        h.deliver(ClientFrames.concat(texts("one", "two"), ClientFrames.ping(new byte[] {7}), texts("three")));
        assertEquals(List.of("one"), h.recorder.texts, "nothing after the message whose listener call paused");
        assertEquals(List.of("one:true"), listener.pausedSeen);
        assertTrue(ws.readingPaused());
        assertFalse(h.transport.isReading(), "the socket is not read");
        assertEquals("one", h.frame().text(), "sends go on while paused; the ping is not answered");
        h.sendText("four"); // reaches the socket's buffer, not the server
        assertEquals(ClientFrames.text("four").length, h.transport.unreadBytes());
        h.advance(Duration.ofSeconds(60));
        assertEquals(List.of("one"), h.recorder.texts, "still nothing while paused");
        assertTrue(h.frames().isEmpty());

        ws.resumeReading();
        assertFalse(ws.readingPaused());
        h.loop.runPending(); // the kept bytes go in the next turn, then the socket
        assertEquals(List.of("one", "two", "three", "four"), h.recorder.texts);
        List<ServerFrames.Frame> frames = h.frames();
        assertEquals(4, frames.size());
        assertEquals("two", frames.get(0).text());
        assertEquals(Opcode.PONG, frames.get(1).opcode(), "the ping is answered in its place, at the resume");
        assertArrayEquals(new byte[] {7}, frames.get(1).payload());
        assertEquals("three", frames.get(2).text());
        assertEquals("four", frames.get(3).text());
        assertTrue(h.transport.isReading());
        assertEquals(0, h.transport.unreadBytes());
    }

    @Test
    void aPauseInOnOpenHoldsTheBytesThatCameWithTheUpgrade() throws Exception {
        Recorder listener = new Recorder(true) {
            @Override
            public void onOpen(WebSocket ws) {
                super.onOpen(ws);
                ws.pauseReading();
            }
        };
        ConnectionHarness h = new ConnectionHarness(listener, c -> { });
        byte[] request = dev.selkie.testing.RawClient.upgradeRequest("/").getBytes(StandardCharsets.ISO_8859_1);
        h.deliver(ClientFrames.concat(request, texts("early", "bird")));
        assertTrue(h.responseHead().startsWith("HTTP/1.1 101 "));
        assertTrue(h.recorder.texts.isEmpty());
        assertFalse(h.transport.isReading());
        h.recorder.opened.get(0).resumeReading();
        h.loop.runPending();
        assertEquals(List.of("early", "bird"), h.recorder.texts);
    }

    @Test
    void theStateIsAFlagPausingTwiceAndResumingOnceResumes() throws Exception {
        ConnectionHarness h = new ConnectionHarness(c -> { }).upgrade();
        WebSocket ws = h.recorder.opened.get(0);
        assertFalse(ws.readingPaused());
        ws.resumeReading(); // not paused: no effect
        assertTrue(h.transport.isReading());
        ws.pauseReading();
        ws.pauseReading();
        assertTrue(ws.readingPaused());
        assertFalse(h.transport.isReading());
        ws.resumeReading();
        assertFalse(ws.readingPaused());
        assertTrue(h.transport.isReading());
        h.sendText("hi");
        assertEquals("hi", h.frame().text());
    }

    @Test
    void aPauseFromAnotherThreadTakesEffectOnTheLoopInTheOrderIssued() throws Exception {
        ConnectionHarness h = new ConnectionHarness(c -> { }).upgrade();
        WebSocket ws = h.recorder.opened.get(0);
        Thread other = new Thread(() -> {
            ws.pauseReading();
            ws.resumeReading();
            ws.pauseReading();
        });
        other.start();
        other.join(10_000);
        assertTrue(ws.readingPaused(), "the calling side sees its last call at once");
        assertTrue(h.transport.isReading(), "the loop has not run the calls yet");
        h.loop.runPending();
        assertFalse(h.transport.isReading(), "the last of them holds");
        h.sendText("waits");
        assertTrue(h.recorder.texts.isEmpty());
        Thread resume = new Thread(ws::resumeReading);
        resume.start();
        resume.join(10_000);
        h.loop.runPending();
        assertEquals(List.of("waits"), h.recorder.texts);
    }

    @Test
    void pauseAndResumeOnAClosedConnectionHaveNoEffect() throws Exception {
        ConnectionHarness h = new ConnectionHarness(c -> { }).upgrade();
        WebSocket ws = h.recorder.opened.get(0);
        h.deliver(ClientFrames.close(CloseCodes.NORMAL, ""));
        assertEquals(CloseCodes.NORMAL, h.closeCode());
        assertTrue(h.transport.closed);
        ws.pauseReading();
        assertFalse(ws.readingPaused());
        ws.resumeReading();
        assertFalse(ws.readingPaused());
        assertEquals(1, h.recorder.closed.size());
    }

    @Test
    void keepAliveDoesNotDropAConnectionTheApplicationPausedAndCountsThePongTimeoutFromTheResume() throws Exception {
        ConnectionHarness h = new ConnectionHarness(c -> {
            c.pingInterval = Duration.ofSeconds(10);
            c.pongTimeout = Duration.ofSeconds(5);
        }).upgrade();
        WebSocket ws = h.recorder.opened.get(0);
        ws.pauseReading();
        h.advance(Duration.ofSeconds(10));
        ServerFrames.Frame ping = h.frame();
        assertEquals(Opcode.PING, ping.opcode(), "keep-alive pings still go out");
        h.deliver(ClientFrames.pong(ping.payload())); // answered at once, but left unread
        h.advance(Duration.ofSeconds(60)); // many pong timeouts
        assertFalse(h.transport.closed, "not dropped for a pong it could not read");
        assertTrue(h.recorder.closed.isEmpty());
        ws.resumeReading();
        h.loop.runPending();
        assertEquals(1, h.recorder.pongs.size(), "the pong is read at the resume");
        h.advance(Duration.ofSeconds(60));
        assertFalse(h.transport.closed);

        // a peer that really does not answer: dropped a full pong timeout after the resume, not before
        assertEquals(Opcode.PING, h.frame().opcode()); // the last ping, left unanswered
        ws.pauseReading();
        h.advance(Duration.ofSeconds(20));
        assertFalse(h.transport.closed);
        ws.resumeReading();
        h.loop.runPending();
        h.advance(Duration.ofSeconds(5).minus(MS));
        assertFalse(h.transport.closed, "the pong timeout counts from the resume");
        h.advance(Duration.ofSeconds(1));
        assertTrue(h.transport.closed);
        assertEquals(CloseCodes.ABNORMAL_CLOSURE, h.recorder.closed.get(0).code());
    }

    @Test
    void theIdleTimeoutDoesNotCountAPauseAndCountsAgainFromTheResume() throws Exception {
        ConnectionHarness h = new ConnectionHarness(c -> c.idleTimeout = Duration.ofSeconds(30)).upgrade();
        WebSocket ws = h.recorder.opened.get(0);
        ws.pauseReading();
        h.advance(Duration.ofMinutes(5));
        assertTrue(h.frames().isEmpty(), "no idle close while the application is the one not reading");
        h.advance(Duration.ofSeconds(29)); // just before a pending idle check
        ws.resumeReading();
        h.loop.runPending();
        h.advance(Duration.ofSeconds(30).minus(MS));
        assertTrue(h.frames().isEmpty(), "the silence counts from the resume");
        h.advance(Duration.ofSeconds(1));
        assertEquals(CloseCodes.GOING_AWAY, h.closeCode());
    }

    @Test
    void closeWhilePausedResumesReadingSoThePeersCloseCompletesTheHandshake() throws Exception {
        ConnectionHarness h = new ConnectionHarness(c -> c.closeTimeout = Duration.ofSeconds(2)).upgrade();
        WebSocket ws = h.recorder.opened.get(0);
        ws.pauseReading();
        h.sendText("unread"); // waits in the socket
        ws.close(4001, "done");
        h.loop.runPending();
        assertEquals(4001, h.closeCode());
        assertFalse(ws.readingPaused());
        assertTrue(h.transport.isReading(), "reading resumed for the peer's close frame");
        assertTrue(h.recorder.texts.isEmpty(), "data after our close frame is dropped");
        h.deliver(ClientFrames.close(4001, ""));
        assertTrue(h.transport.closed, "the clean closing handshake ends the connection");
        assertEquals(4001, h.recorder.closed.get(0).code());
        assertFalse(h.recorder.closed.get(0).remote());
    }

    @Test
    void theServersStopWhilePausedSends1001AndReadsThePeersClose() throws Exception {
        Pausing listener = new Pausing("stop here");
        ConnectionHarness h = new ConnectionHarness(listener, c -> { }).upgrade();
        h.deliver(ClientFrames.concat(texts("stop here", "kept")));
        assertEquals("stop here", h.frame().text());
        h.connection.shutdown(CloseCodes.GOING_AWAY, "server stopping");
        h.loop.runPending();
        assertEquals(CloseCodes.GOING_AWAY, h.closeCode());
        assertEquals(List.of("stop here"), h.recorder.texts, "the kept message is dropped: we are closing");
        h.deliver(ClientFrames.close(CloseCodes.GOING_AWAY, ""));
        assertTrue(h.transport.closed);
        assertEquals(CloseCodes.GOING_AWAY, h.recorder.closed.get(0).code());
    }

    @Test
    void inExecutorModeTheApplicationsPauseAndTheExecutorsCombine() throws Exception {
        List<Runnable> held = new ArrayList<>();
        ConnectionHarness h = new ConnectionHarness(c -> {
            c.lowWaterMark = 1024;
            c.highWaterMark = 4096;
            c.executor = held::add; // tasks wait until the test runs them
        }).upgrade();
        held.forEach(Runnable::run); // onOpen
        held.clear();
        WebSocket ws = h.recorder.opened.get(0);

        // the executor falls behind, then the application pauses too
        h.deliver(ClientFrames.binary(new byte[8192]));
        assertFalse(h.transport.isReading(), "the executor's pause");
        ws.pauseReading(); // from the test thread, which is the loop's here
        held.forEach(Runnable::run);
        held.clear();
        h.loop.runPending();
        assertFalse(h.transport.isReading(), "the executor caught up, the application's pause holds");
        ws.resumeReading();
        assertTrue(h.transport.isReading());

        // the application pauses, then the executor falls behind and the application resumes first
        h.deliver(ClientFrames.binary(new byte[8192]));
        ws.pauseReading();
        ws.resumeReading();
        assertFalse(h.transport.isReading(), "the application's resume does not undo the executor's pause");
        held.forEach(Runnable::run);
        held.clear();
        h.loop.runPending();
        assertTrue(h.transport.isReading());
        assertEquals(2, h.recorder.binaries.size());
    }
}
