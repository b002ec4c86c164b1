package dev.selkie.server;

import dev.selkie.RejectionReason;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.selkie.CloseCodes;
import dev.selkie.protocol.ClientFrames;
import dev.selkie.protocol.Opcode;
import dev.selkie.protocol.ServerFrames;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Every timer of a connection, on the socketless harness with a manual clock: no real waiting. */
class HarnessTimersTest {
    private static final Duration MS = Duration.ofMillis(1);

    @Test
    void aHandshakeThatNeverCompletesIsClosedAtItsDeadlineAndNotBefore() throws Exception {
        ConnectionHarness h = new ConnectionHarness(c -> c.handshakeTimeout = Duration.ofSeconds(3));
        h.deliver("GET / HTTP/1.1\r\nHost: x\r\n".getBytes(StandardCharsets.US_ASCII)); // and then nothing
        h.advance(Duration.ofSeconds(3).minus(MS));
        assertFalse(h.transport.closed);
        h.advance(MS);
        assertTrue(h.transport.closed);
        assertEquals(1L, h.loop.metrics().rejectedHandshakes.get(RejectionReason.HANDSHAKE_TIMEOUT.ordinal()));
    }

    @Test
    void aCompletedHandshakeIsNotCutOffByItsDeadline() throws Exception {
        ConnectionHarness h = new ConnectionHarness(c -> c.handshakeTimeout = Duration.ofSeconds(3)).upgrade();
        h.advance(Duration.ofSeconds(10));
        assertFalse(h.transport.closed);
        assertTrue(h.recorder.closed.isEmpty());
    }

    @Test
    void anIdleConnectionIsClosedWith1001WhileActivityKeepsItOpen() throws Exception {
        ConnectionHarness h = new ConnectionHarness(c -> c.idleTimeout = Duration.ofSeconds(30)).upgrade();
        h.advance(Duration.ofSeconds(20)).sendText("still here");
        assertEquals("still here", h.frame().text());
        h.advance(Duration.ofSeconds(20)); // 20 s since the last message
        assertTrue(h.frames().isEmpty());
        h.advance(Duration.ofSeconds(10));
        assertEquals(CloseCodes.GOING_AWAY, h.closeCode());
        h.deliver(ClientFrames.close(CloseCodes.GOING_AWAY, ""));
        assertTrue(h.transport.closed, "closed at once after the clean closing handshake");
        assertEquals(CloseCodes.GOING_AWAY, h.recorder.closed.get(0).code());
        assertFalse(h.recorder.closed.get(0).remote());
    }

    @Test
    void keepAlivePingsAreAnsweredAndMeasured() throws Exception {
        ConnectionHarness h = new ConnectionHarness(c -> {
            c.pingInterval = Duration.ofSeconds(10);
            c.pongTimeout = Duration.ofSeconds(5);
        }).upgrade();
        h.advance(Duration.ofSeconds(10));
        ServerFrames.Frame ping = h.frame();
        assertEquals(Opcode.PING, ping.opcode());
        h.advance(Duration.ofMillis(7));
        h.deliver(ClientFrames.pong(ping.payload()));
        MetricsSnapshot metrics = MetricsSnapshot.of(new EventLoop[] {h.loop}, 0);
        assertEquals(1, metrics.roundTripBuckets[RoundTrips.bucket(7_000)]);
        assertEquals(7_000, metrics.roundTripSumMicros);
        assertEquals(7_000, metrics.roundTripMaxMicros);
        h.advance(Duration.ofSeconds(10));
        assertEquals(Opcode.PING, h.frame().opcode());
        assertTrue(h.recorder.closed.isEmpty());
    }

    @Test
    void aPeerThatNeverAnswersPingsIsDroppedAs1006AtThePongTimeout() throws Exception {
        ConnectionHarness h = new ConnectionHarness(c -> {
            c.pingInterval = Duration.ofSeconds(10);
            c.pongTimeout = Duration.ofSeconds(5);
        }).upgrade();
        h.advance(Duration.ofSeconds(10));
        assertEquals(Opcode.PING, h.frame().opcode());
        h.advance(Duration.ofSeconds(5).minus(MS));
        assertFalse(h.transport.closed);
        h.advance(MS);
        assertTrue(h.transport.closed);
        assertEquals(CloseCodes.ABNORMAL_CLOSURE, h.recorder.closed.get(0).code());
        assertFalse(h.recorder.closed.get(0).remote());
    }

    @Test
    void aPeerThatNeverAnswersOurCloseIsDroppedAfterTheCloseTimeout() throws Exception {
        ConnectionHarness h = new ConnectionHarness(c -> c.closeTimeout = Duration.ofSeconds(2)).upgrade();
        h.recorder.opened.get(0).close(4000, "bye");
        h.loop.runPending();
        assertEquals(4000, h.closeCode());
        h.advance(Duration.ofSeconds(2).minus(MS));
        assertFalse(h.transport.closed);
        assertTrue(h.recorder.closed.isEmpty(), "the closing handshake is still under way");
        h.advance(MS);
        assertTrue(h.transport.closed);
        assertEquals(4000, h.recorder.closed.get(0).code());
        assertEquals("bye", h.recorder.closed.get(0).reason());
    }

    @Test
    void afterAnHttpAnswerTheServerLingersForThePeersFinThenGivesUp() throws Exception {
        ConnectionHarness h = new ConnectionHarness(c -> c.closeTimeout = Duration.ofSeconds(2));
        h.deliver("GET /page HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        assertTrue(h.responseHead().startsWith("HTTP/1.1 426 "));
        assertTrue(h.transport.outputShutdown, "FIN after the response");
        assertFalse(h.transport.closed, "reading to the peer's FIN");
        h.deliver("late bytes are read and dropped".getBytes(StandardCharsets.US_ASCII));
        h.advance(Duration.ofSeconds(2));
        assertTrue(h.transport.closed);
    }

    @Test
    void lingeringEndsAtThePeersFin() throws Exception {
        ConnectionHarness h = new ConnectionHarness(c -> { });
        h.deliver("GET /page HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        h.responseHead();
        h.transport.endOfStream();
        assertTrue(h.transport.closed);
    }

    @Test
    void whileTheExecutorHoldsTheReadingTheIdleTimeoutDoesNotCount() throws Exception {
        java.util.List<Runnable> held = new java.util.ArrayList<>();
        ConnectionHarness h = new ConnectionHarness(c -> {
            c.idleTimeout = Duration.ofSeconds(30);
            c.lowWaterMark = 1024;
            c.highWaterMark = 4096;
            c.executor = held::add; // tasks wait until the test runs them
        }).upgrade();
        h.deliver(ClientFrames.binary(new byte[8192])); // more than the high-water mark waits for the listener
        assertFalse(h.transport.isReading(), "not read while the listener is behind");
        h.advance(Duration.ofSeconds(60));
        assertTrue(h.frames().isEmpty(), "no idle close while we are the ones not reading");
        held.forEach(Runnable::run);
        h.loop.runPending();
        assertTrue(h.transport.isReading());
        assertEquals(1, h.recorder.binaries.size());
        ByteBuffer echo = ByteBuffer.wrap(h.frame().payload());
        assertEquals(8192, echo.remaining());
    }
}
