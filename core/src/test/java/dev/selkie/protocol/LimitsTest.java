package dev.selkie.protocol;

import static dev.selkie.protocol.ProtocolAssertions.assertFailed;
import static dev.selkie.protocol.RecordingHandler.feed;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.selkie.protocol.ClientFrames.LengthEncoding;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Autobahn category 10 and memory safety: message size limit (1009) and no allocation of declared sizes. */
class LimitsTest {
    private static final int MAX = 1000;

    @Test
    void messageOfExactlyTheMaximumIsDelivered() {
        assertEquals(1, feed(MAX, ClientFrames.binary(new byte[MAX])).size());
        assertEquals(List.of("text:" + "x".repeat(MAX)), feed(MAX, ClientFrames.text("x".repeat(MAX)), 10, 500));
        byte[] fragmented = ClientFrames.concat(
                ClientFrames.frame(Opcode.BINARY).fin(false).payload(new byte[400]).build(),
                ClientFrames.frame(Opcode.CONTINUATION).fin(false).payload(new byte[400]).build(),
                ClientFrames.frame(Opcode.CONTINUATION).payload(new byte[200]).build());
        assertEquals(1, feed(MAX, fragmented).size());
    }

    @Test
    void oneByteOverTheMaximumInOneFrameFailsAtTheLength() {
        byte[] frame = ClientFrames.binary(new byte[MAX + 1]);
        assertFailed(1009, feed(MAX, frame));
        // fail-fast: the header up to the length is enough, payload never needed
        assertFailed(1009, feed(MAX, Arrays.copyOf(frame, 4)));
    }

    @Test
    void maximumPlusOneAcrossFragmentsFailsAtTheLastFragmentsHeader() {
        byte[] first = ClientFrames.frame(Opcode.TEXT).fin(false).payload("a".repeat(600)).build();
        byte[] second = ClientFrames.frame(Opcode.CONTINUATION).fin(false).payload("b".repeat(400)).build();
        byte[] third = ClientFrames.frame(Opcode.CONTINUATION).payload("c").build();
        byte[] input = ClientFrames.concat(first, second, third);
        assertFailed(1009, feed(MAX, input));
        assertFailed(1009, feed(MAX, Arrays.copyOf(input, first.length + second.length + 2)));
        // the same fragments with an empty final frame are fine
        byte[] ok = ClientFrames.concat(first, second, ClientFrames.frame(Opcode.CONTINUATION).build());
        assertEquals(List.of("text:" + "a".repeat(600) + "b".repeat(400)), feed(MAX, ok));
    }

    @Test
    void controlFramesDoNotCountTowardsTheMessage() {
        byte[] input = ClientFrames.concat(
                ClientFrames.frame(Opcode.BINARY).fin(false).payload(new byte[MAX]).build(),
                ClientFrames.ping(new byte[125]),
                ClientFrames.frame(Opcode.CONTINUATION).build());
        List<String> events = feed(MAX, input);
        assertEquals(3, events.size());
        assertTrue(events.get(2).startsWith("binary:"));
    }

    @Test
    void limitResetsAfterEachMessage() {
        byte[] input = ClientFrames.concat(ClientFrames.binary(new byte[MAX]), ClientFrames.binary(new byte[MAX]));
        assertEquals(2, feed(MAX, input, 700, 1500).size());
    }

    @ParameterizedTest
    @ValueSource(longs = {1L << 62, Long.MAX_VALUE, 1L << 32, Integer.MAX_VALUE, 1_000_001})
    void hugeDeclaredLengthFailsWithoutAllocating(long declared) {
        int max = 1 << 20;
        RecordingHandler h = new RecordingHandler();
        WebSocketProtocol p = new WebSocketProtocol(max, h);
        byte[] frame = ClientFrames.frame(Opcode.BINARY).payload(new byte[100]).declaredLength(declared)
                .lengthEncoding(LengthEncoding.SIXTY_FOUR_BIT).build();
        p.receive(ByteBuffer.wrap(frame));
        if (declared > max) {
            assertFailed(1009, h.events);
        } else {
            assertEquals(List.of(), h.events);
            assertTrue(p.assemblyCapacity() <= 512, "capacity " + p.assemblyCapacity());
        }
        assertTrue(p.assemblyCapacity() <= 512);
    }

    @Test
    void declaredLengthJustUnderTheMaximumAllocatesOnlyWhatArrives() {
        int max = 64 << 20;
        RecordingHandler h = new RecordingHandler();
        WebSocketProtocol p = new WebSocketProtocol(max, h);
        byte[] header = ClientFrames.frame(Opcode.BINARY).payload(new byte[10]).declaredLength(max)
                .lengthEncoding(LengthEncoding.SIXTY_FOUR_BIT).build();
        p.receive(ByteBuffer.wrap(header));
        assertEquals(List.of(), h.events);
        assertTrue(p.assemblyCapacity() <= 512, "capacity " + p.assemblyCapacity());
        // as bytes arrive the buffer grows geometrically with them
        byte[] chunk = new byte[10_000];
        for (int i = 0; i < 10; i++) {
            p.receive(ByteBuffer.wrap(chunk));
        }
        int capacity = p.assemblyCapacity();
        assertTrue(capacity >= 100_010 && capacity <= 2 * 100_010, "capacity " + capacity);
    }

    @Test
    void aFrameMostlyAtHandGetsItsWholeBufferAtOnce() {
        // a 64 KiB frame never fits the server's 64 KiB read buffer together with its header: the
        // first read brings all but a few bytes, and the buffer must not be copied for the rest
        RecordingHandler h = new RecordingHandler();
        WebSocketProtocol p = new WebSocketProtocol(1 << 20, h);
        byte[] frame = ClientFrames.frame(Opcode.BINARY).payload(new byte[65_536]).build();
        int firstRead = 65_536;
        p.receive(ByteBuffer.wrap(frame, 0, firstRead));
        assertEquals(65_536, p.assemblyCapacity(), "more than half the frame is here: allocate all of it");
        p.receive(ByteBuffer.wrap(frame, firstRead, frame.length - firstRead));
        assertEquals(1, h.events.size(), h.events.toString());
        // but never more than twice what has arrived
        WebSocketProtocol q = new WebSocketProtocol(1 << 20, h);
        q.receive(ByteBuffer.wrap(frame, 0, 30_000));
        assertTrue(q.assemblyCapacity() <= 2 * 30_000, "capacity " + q.assemblyCapacity());
    }

    @Test
    void topBitOf64BitLengthFailsAtThatByte() {
        byte[] frame = ClientFrames.frame(Opcode.BINARY).payload(new byte[1]).declaredLength(Long.MIN_VALUE + 1)
                .lengthEncoding(LengthEncoding.SIXTY_FOUR_BIT).build();
        assertFailed(1002, feed(MAX, frame));
        assertFailed(1002, feed(MAX, Arrays.copyOf(frame, 3)));
    }

    @Test
    void hugeDeclaredLengthFailsAsSoonAsItsHighBytesArrive() {
        byte[] frame = ClientFrames.frame(Opcode.BINARY).payload(new byte[1]).declaredLength(1L << 40)
                .lengthEncoding(LengthEncoding.SIXTY_FOUR_BIT).build();
        // bytes: 82 ff 00 00 01 ...: the third length byte makes the length at least 2^40
        assertEquals(List.of(), feed(MAX, Arrays.copyOf(frame, 4)));
        assertFailed(1009, feed(MAX, Arrays.copyOf(frame, 5)));
    }

    @Test
    void zeroMaximumAcceptsOnlyEmptyMessages() {
        assertEquals(List.of("text:"), feed(0, ClientFrames.text("")));
        assertFailed(1009, feed(0, ClientFrames.text("x")));
        assertEquals(2, feed(0, ClientFrames.ping(new byte[] {1})).size());
    }
}
