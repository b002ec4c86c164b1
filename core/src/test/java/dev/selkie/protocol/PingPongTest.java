package dev.selkie.protocol;

import static dev.selkie.protocol.ProtocolAssertions.assertFailed;
import static dev.selkie.protocol.ProtocolAssertions.everyByte;
import static dev.selkie.protocol.RecordingHandler.feed;
import static dev.selkie.protocol.RecordingHandler.hex;
import static dev.selkie.protocol.RecordingHandler.serverFrame;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Autobahn category 2: pings are answered with pongs carrying the same payload; pongs are accepted. */
class PingPongTest {
    private static final int MAX = 1 << 16;

    @ParameterizedTest
    @ValueSource(ints = {0, 1, 8, 9, 124, 125})
    void pingIsAnsweredBeforeItIsReported(int length) {
        byte[] payload = FrameEncoderTest.pattern(length);
        byte[] ping = ClientFrames.ping(payload);
        List<String> expected = List.of("sent:" + serverFrame(Opcode.PONG, payload), "ping:" + hex(payload));
        assertEquals(expected, feed(MAX, ping));
        assertEquals(expected, feed(MAX, true, ping, everyByte(ping.length)));
    }

    @Test
    void textPayloadPing() {
        byte[] payload = "Hello, world!".getBytes(StandardCharsets.UTF_8);
        assertEquals(List.of("sent:" + serverFrame(Opcode.PONG, payload), "ping:" + hex(payload)),
                feed(MAX, ClientFrames.ping(payload)));
    }

    @Test
    void binaryPayloadPing() {
        byte[] payload = {0x00, (byte) 0xFF, (byte) 0xFE, (byte) 0xFD, (byte) 0xFC, (byte) 0xFB, 0x00, (byte) 0xFF};
        assertEquals(List.of("sent:" + serverFrame(Opcode.PONG, payload), "ping:00fffefdfcfb00ff"),
                feed(MAX, ClientFrames.ping(payload)));
    }

    @Test
    void pingOf126BytesFailsAtTheLengthByte() {
        byte[] ping = ClientFrames.ping(new byte[126]);
        assertFailed(1002, feed(MAX, ping));
        // fail-fast: the second header byte alone is enough
        RecordingHandler h = new RecordingHandler();
        WebSocketProtocol p = new WebSocketProtocol(MAX, h);
        RecordingHandler.receive(p, ping, 0, 2, false);
        assertFailed(1002, h.events);
        assertEquals(WebSocketProtocol.State.CLOSED, p.state());
    }

    @Test
    void unsolicitedPongIsReportedAndNotAnswered() {
        assertEquals(List.of("pong:6869"), feed(MAX, ClientFrames.pong(new byte[] {'h', 'i'})));
        assertEquals(List.of("pong:"), feed(MAX, ClientFrames.pong(new byte[0])));
    }

    @Test
    void unsolicitedPongThenPing() {
        byte[] input = ClientFrames.concat(ClientFrames.pong("unsolicited".getBytes(StandardCharsets.UTF_8)),
                ClientFrames.ping("ping".getBytes(StandardCharsets.UTF_8)));
        List<String> events = feed(MAX, input);
        assertEquals(3, events.size());
        assertTrue(events.get(0).startsWith("pong:"));
        assertEquals("sent:" + serverFrame(Opcode.PONG, "ping".getBytes(StandardCharsets.UTF_8)), events.get(1));
    }

    @Test
    void tenPingsInARowAreEachAnswered() {
        List<byte[]> frames = new ArrayList<>();
        List<String> expected = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            byte[] payload = ("payload-" + i).getBytes(StandardCharsets.UTF_8);
            frames.add(ClientFrames.frame(Opcode.PING).payload(payload).mask(0x01020304 * (i + 1)).build());
            expected.add("sent:" + serverFrame(Opcode.PONG, payload));
            expected.add("ping:" + hex(payload));
        }
        byte[] input = ClientFrames.concat(frames.toArray(new byte[0][]));
        assertEquals(expected, feed(MAX, input));
        assertEquals(expected, feed(MAX, input, everyByte(input.length)));
    }

    @Test
    void pongIsAFreshBufferPerPing() {
        RecordingHandler h = new RecordingHandler();
        WebSocketProtocol p = new WebSocketProtocol(MAX, h);
        p.receive(ByteBuffer.wrap(ClientFrames.concat(ClientFrames.ping(new byte[] {1}), ClientFrames.ping(new byte[] {2}))));
        assertEquals(2, h.sent.size());
        assertEquals("8a0101", hex(h.sent.get(0)));
        assertEquals("8a0102", hex(h.sent.get(1)));
    }

    @Test
    void noPongAfterOurClose() {
        RecordingHandler h = new RecordingHandler();
        WebSocketProtocol p = new WebSocketProtocol(MAX, h);
        p.close(1000, "");
        p.receive(ByteBuffer.wrap(ClientFrames.ping(new byte[] {5})));
        assertEquals(List.of("sent:" + RecordingHandler.serverClose(1000, ""), "ping:05"), h.events);
    }
}
