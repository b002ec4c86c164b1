package dev.selkie.protocol;

import static dev.selkie.protocol.ProtocolAssertions.assertFailed;
import static dev.selkie.protocol.ProtocolAssertions.everyByte;
import static dev.selkie.protocol.RecordingHandler.feed;
import static dev.selkie.protocol.RecordingHandler.serverClose;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Autobahn category 7: the closing handshake, close payloads and status codes. */
class CloseTest {
    private static final int MAX = 1 << 16;

    @Test
    void emptyCloseIsEchoedEmptyAndReportedAs1005() {
        byte[] close = ClientFrames.closeEmpty();
        assertEquals(List.of("sent:8800", "close:1005:"), feed(MAX, close));
        assertEquals(List.of("sent:8800", "close:1005:"), feed(MAX, close, everyByte(close.length)));
    }

    @Test
    void closeWithCodeOnlyIsEchoedWithTheCode() {
        assertEquals(List.of("sent:" + serverClose(1000, ""), "close:1000:"), feed(MAX, ClientFrames.close(1000, "")));
    }

    @Test
    void closeWithReasonIsReportedAndEchoedWithTheCode() {
        byte[] close = ClientFrames.close(3000, "Ünïcödé reason");
        List<String> expected = List.of("sent:" + serverClose(3000, ""), "close:3000:Ünïcödé reason");
        assertEquals(expected, feed(MAX, close));
        assertEquals(expected, feed(MAX, true, close, everyByte(close.length)));
    }

    @Test
    void closeWithTheLongestReason() {
        String reason = "r".repeat(123);
        assertEquals(List.of("sent:" + serverClose(1000, ""), "close:1000:" + reason),
                feed(MAX, ClientFrames.close(1000, reason)));
    }

    @Test
    void closeWithReasonOver123BytesIsAnOversizedControlFrame() {
        assertFailed(1002, feed(MAX, ClientFrames.close(1000, "r".repeat(124))));
    }

    @Test
    void oneBytePayloadFails() {
        assertFailed(1002, feed(MAX, ClientFrames.frame(Opcode.CLOSE).payload(new byte[] {0x03}).build()));
    }

    @ParameterizedTest
    @ValueSource(ints = {1000, 1001, 1002, 1003, 1007, 1008, 1009, 1010, 1011, 1012, 1013, 1014, 3000, 3999, 4000,
        4999})
    void validCodesAreAccepted(int code) {
        assertTrue(CloseStatus.isValidOnWire(code));
        assertEquals(List.of("sent:" + serverClose(code, ""), "close:" + code + ":"),
                feed(MAX, ClientFrames.close(code, "")));
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 1, 999, 1004, 1005, 1006, 1015, 1016, 1100, 2000, 2999, 5000, 65535})
    void invalidCodesFail(int code) {
        assertFalse(CloseStatus.isValidOnWire(code));
        assertFailed(1002, feed(MAX, ClientFrames.close(code, "")));
        assertFailed(1002, feed(MAX, ClientFrames.close(code, "with reason")));
    }

    @Test
    void invalidUtf8ReasonFails() {
        byte[] payload = ClientFrames.closePayload(1000, ClientFrames.hex("ce ba e1 bd b9 cf 83 ce bc ce b5 ed a0 80"));
        assertFailed(1007, feed(MAX, ClientFrames.frame(Opcode.CLOSE).payload(payload).build()));
        byte[] truncated = ClientFrames.closePayload(1000, ClientFrames.hex("41 e2 82"));
        assertFailed(1007, feed(MAX, ClientFrames.frame(Opcode.CLOSE).payload(truncated).build()));
    }

    @Test
    void dataAfterCloseIsIgnored() {
        byte[] input = ClientFrames.concat(ClientFrames.text("before"), ClientFrames.close(1000, ""),
                ClientFrames.text("after"), ClientFrames.ping(new byte[] {1}), ClientFrames.frame(5).build());
        assertEquals(List.of("text:before", "sent:" + serverClose(1000, ""), "close:1000:"), feed(MAX, input));
    }

    @Test
    void closeAfterCloseIsIgnored() {
        byte[] input = ClientFrames.concat(ClientFrames.close(1000, ""), ClientFrames.close(1001, ""));
        assertEquals(List.of("sent:" + serverClose(1000, ""), "close:1000:"), feed(MAX, input));
    }

    @Test
    void closeBetweenFragmentsDropsTheMessage() {
        byte[] input = ClientFrames.concat(ClientFrames.frame(Opcode.TEXT).fin(false).payload("frag").build(),
                ClientFrames.close(1000, ""), ClientFrames.frame(Opcode.CONTINUATION).payload("ment").build());
        assertEquals(List.of("sent:" + serverClose(1000, ""), "close:1000:"), feed(MAX, input));
    }

    @Test
    void largeMessageThenPingThenClose() {
        byte[] big = FrameEncoderTest.pattern(60_000);
        byte[] input = ClientFrames.concat(ClientFrames.binary(big), ClientFrames.ping(new byte[] {7}),
                ClientFrames.close(1000, ""));
        List<String> events = feed(MAX, input, 100, 30_000, 60_007);
        assertEquals(5, events.size());
        assertEquals("binary:" + RecordingHandler.hex(big), events.get(0));
        assertEquals("close:1000:", events.get(4));
    }

    /** Server-initiated: OPEN to CLOSING on our close, data dropped, CLOSED on the peer's close. */
    @Test
    void serverInitiatedClosingHandshake() {
        RecordingHandler h = new RecordingHandler();
        WebSocketProtocol p = new WebSocketProtocol(MAX, h);
        byte[] fragment = ClientFrames.frame(Opcode.TEXT).fin(false).payload("partial message").build();
        p.receive(ByteBuffer.wrap(fragment, 0, 10)); // in the middle of a data frame
        assertTrue(p.close(1001, "shutting down"));
        assertEquals(WebSocketProtocol.State.CLOSING, p.state());
        p.receive(ByteBuffer.wrap(fragment, 10, fragment.length - 10));
        p.receive(ByteBuffer.wrap(ClientFrames.concat(
                ClientFrames.frame(Opcode.CONTINUATION).payload("dropped").build(),
                ClientFrames.binary(new byte[100_000]), // larger than MAX: dropped, not stored, no 1009
                ClientFrames.text("also dropped"),
                ClientFrames.pong(new byte[] {3}))));
        assertEquals(0, p.assemblyCapacity());
        assertEquals(WebSocketProtocol.State.CLOSING, p.state());
        p.receive(ByteBuffer.wrap(ClientFrames.close(1001, "")));
        assertEquals(WebSocketProtocol.State.CLOSED, p.state());
        assertEquals(List.of("sent:" + serverClose(1001, "shutting down"), "pong:03", "close:1001:"), h.events);
    }

    @Test
    void framingErrorAfterOurCloseIsReportedWithoutASecondClose() {
        RecordingHandler h = new RecordingHandler();
        WebSocketProtocol p = new WebSocketProtocol(MAX, h);
        p.close(1000, "");
        p.receive(ByteBuffer.wrap(ClientFrames.frame(Opcode.CONTINUATION).payload("x").build()));
        assertEquals(List.of("sent:" + serverClose(1000, ""), "error:1002"), h.events);
        assertEquals(WebSocketProtocol.State.CLOSED, p.state());
    }

    @Test
    void invalidUtf8AfterOurCloseIsNotChecked() {
        RecordingHandler h = new RecordingHandler();
        WebSocketProtocol p = new WebSocketProtocol(MAX, h);
        p.close(1000, "");
        p.receive(ByteBuffer.wrap(ClientFrames.frame(Opcode.TEXT).payload(ClientFrames.hex("ff ff")).build()));
        p.receive(ByteBuffer.wrap(ClientFrames.closeEmpty()));
        assertEquals(List.of("sent:" + serverClose(1000, ""), "close:1005:"), h.events);
    }

    @Test
    void closeFromUsAfterThePeersCloseDoesNothing() {
        RecordingHandler h = new RecordingHandler();
        WebSocketProtocol p = new WebSocketProtocol(MAX, h);
        p.receive(ByteBuffer.wrap(ClientFrames.close(1000, "")));
        assertFalse(p.close(1000, "again"));
        assertEquals(2, h.events.size());
    }

    @Test
    void ourCloseReasonIsSentInUtf8() {
        RecordingHandler h = new RecordingHandler();
        WebSocketProtocol p = new WebSocketProtocol(MAX, h);
        p.close(4000, "tschüss");
        List<ServerFrames.Frame> frames = ServerFrames.parse(h.sent.get(0));
        byte[] payload = frames.get(0).payload();
        assertEquals(4000, ((payload[0] & 0xFF) << 8) | (payload[1] & 0xFF));
        assertEquals("tschüss", new String(payload, 2, payload.length - 2, StandardCharsets.UTF_8));
    }
}
