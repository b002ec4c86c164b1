package dev.selkie.protocol;

import static dev.selkie.protocol.ProtocolAssertions.everyByte;
import static dev.selkie.protocol.RecordingHandler.feed;
import static dev.selkie.protocol.RecordingHandler.hex;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.selkie.protocol.ClientFrames.LengthEncoding;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Autobahn category 1: text and binary frames of the lengths around each length-encoding boundary. */
class FramingTest {
    private static final int MAX = 1 << 20;

    @ParameterizedTest
    @ValueSource(ints = {0, 1, 7, 8, 9, 125, 126, 127, 128, 65535, 65536, 100_003})
    void textOfLength(int length) {
        String text = "*".repeat(length);
        byte[] frame = ClientFrames.text(text);
        for (boolean direct : new boolean[] {false, true}) {
            for (int[] cuts : cutsFor(frame.length)) {
                RecordingHandler h = new RecordingHandler();
                WebSocketProtocol p = new WebSocketProtocol(MAX, h);
                feedInto(p, frame, direct, cuts);
                assertEquals(List.of(text), h.texts, () -> "cuts " + Arrays.toString(cuts));
                assertEquals(1, h.events.size());
            }
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 1, 7, 8, 9, 125, 126, 127, 128, 65535, 65536, 100_003})
    void binaryOfLength(int length) {
        byte[] payload = new byte[length];
        Arrays.fill(payload, (byte) 0xFE);
        if (length > 0) {
            payload[length / 2] = 1;
        }
        byte[] frame = ClientFrames.binary(payload);
        for (boolean direct : new boolean[] {false, true}) {
            for (int[] cuts : cutsFor(frame.length)) {
                RecordingHandler h = new RecordingHandler();
                WebSocketProtocol p = new WebSocketProtocol(MAX, h);
                feedInto(p, frame, direct, cuts);
                assertEquals(1, h.binaries.size(), () -> "cuts " + Arrays.toString(cuts));
                ByteBuffer got = h.binaries.get(0);
                assertEquals(0, got.position());
                byte[] bytes = new byte[got.remaining()];
                got.get(bytes);
                assertArrayEquals(payload, bytes);
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"SEVEN_BIT", "SIXTEEN_BIT", "SIXTY_FOUR_BIT"})
    void nonMinimalLengthEncodingsAreAccepted(String encoding) {
        LengthEncoding enc = LengthEncoding.valueOf(encoding);
        byte[] input = ClientFrames.concat(
                ClientFrames.frame(Opcode.TEXT).payload("short").lengthEncoding(enc).build(),
                ClientFrames.frame(Opcode.BINARY).payload(new byte[] {1, 2, 3}).lengthEncoding(enc).build(),
                ClientFrames.frame(Opcode.PING).payload(new byte[] {4}).lengthEncoding(LengthEncoding.SEVEN_BIT).build());
        List<String> expected = List.of("text:short", "binary:010203",
                "sent:" + RecordingHandler.serverFrame(Opcode.PONG, new byte[] {4}), "ping:04");
        assertEquals(expected, feed(MAX, input));
        assertEquals(expected, feed(MAX, true, input, everyByte(input.length)));
    }

    @ParameterizedTest
    @ValueSource(ints = {0x00000000, 0xFFFFFFFF, 0x01020304, 0x80000001})
    void anyMaskKeyUnmasks(int key) {
        byte[] payload = FrameEncoderTest.pattern(77);
        byte[] frame = ClientFrames.frame(Opcode.BINARY).payload(payload).mask(key).build();
        assertEquals(List.of("binary:" + hex(payload)), feed(MAX, frame));
        assertEquals(List.of("binary:" + hex(payload)), feed(MAX, true, frame, 3, 9, 10, 11, 30, 31));
    }

    /** Whole, one byte at a time (small frames), and cuts around header and payload boundaries. */
    static List<int[]> cutsFor(int n) {
        if (n <= 300) {
            return List.of(new int[0], everyByte(n), new int[] {1}, new int[] {n / 2});
        }
        return List.of(new int[0], new int[] {1}, new int[] {2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13},
                new int[] {14, 15, 22, 23, n / 2, n - 1}, new int[] {n / 3, 2 * n / 3});
    }

    static void feedInto(WebSocketProtocol p, byte[] input, boolean direct, int[] cuts) {
        int from = 0;
        for (int i = 0; i <= cuts.length; i++) {
            int to = i < cuts.length ? Math.min(cuts[i], input.length) : input.length;
            RecordingHandler.receive(p, input, from, Math.max(from, to), direct);
            from = Math.max(from, to);
        }
    }
}
