package dev.selkie.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.util.HexFormat;
import java.util.List;

/** Shared checks on recorded events. */
final class ProtocolAssertions {
    private ProtocolAssertions() {
    }

    /**
     * The events end with the connection failing: a close frame with {@code code} was sent, then
     * {@code error:code} was reported, and that is the end. Returns the events before the failure.
     */
    static List<String> assertFailed(int code, List<String> events) {
        assertTrue(events.size() >= 2, () -> "expected failure " + code + " but got " + events);
        String last = events.get(events.size() - 1);
        assertEquals("error:" + code, last, () -> "events: " + events);
        String sent = events.get(events.size() - 2);
        assertTrue(sent.startsWith("sent:"), () -> "no close frame sent: " + events);
        assertEquals(code, sentCloseCode(sent), () -> "sent close code in " + events);
        return events.subList(0, events.size() - 2);
    }

    /** The status code of a sent close frame event ({@code sent:<hex>}), or 0 if it has none. */
    static int sentCloseCode(String sentEvent) {
        byte[] frame = HexFormat.of().parseHex(sentEvent.substring("sent:".length()));
        List<ServerFrames.Frame> frames = ServerFrames.parse(ByteBuffer.wrap(frame));
        assertEquals(1, frames.size());
        assertEquals(Opcode.CLOSE, frames.get(0).opcode(), "sent frame is a close");
        byte[] p = frames.get(0).payload();
        return p.length == 0 ? 0 : ((p[0] & 0xFF) << 8) | (p[1] & 0xFF);
    }

    /** Cut positions 1..n-1: one byte at a time. */
    static int[] everyByte(int n) {
        int[] cuts = new int[Math.max(0, n - 1)];
        for (int i = 0; i < cuts.length; i++) {
            cuts[i] = i + 1;
        }
        return cuts;
    }
}
