package dev.selkie.protocol;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class FrameEncoderTest {
    @Test
    void headerSizesAreMinimal() {
        assertEquals(2, FrameEncoder.headerSize(0));
        assertEquals(2, FrameEncoder.headerSize(125));
        assertEquals(4, FrameEncoder.headerSize(126));
        assertEquals(4, FrameEncoder.headerSize(65535));
        assertEquals(10, FrameEncoder.headerSize(65536));
        assertThrows(IllegalArgumentException.class, () -> FrameEncoder.headerSize(-1));
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 1, 125, 126, 127, 65535, 65536, 100_000})
    void frameHasUnmaskedMinimalHeaderAndPayload(int length) {
        byte[] payload = pattern(length);
        ByteBuffer src = ByteBuffer.wrap(payload);
        ByteBuffer frame = FrameEncoder.frame(Opcode.BINARY, true, src);
        assertEquals(0, src.position(), "payload position unchanged");
        List<ServerFrames.Frame> frames = ServerFrames.parse(frame);
        assertEquals(1, frames.size());
        ServerFrames.Frame f = frames.get(0);
        assertEquals(true, f.fin());
        assertEquals(Opcode.BINARY, f.opcode());
        assertArrayEquals(payload, f.payload());
        assertEquals(FrameEncoder.headerSize(length) + length, frame.remaining());
    }

    @Test
    void headerBytesMatchRfcExamples() {
        // RFC 6455 section 5.7: unmasked "Hello"
        assertEquals("810548656c6c6f", RecordingHandler.hex(FrameEncoder.text("Hello", 0)));
        // 256 bytes binary: 0x82 0x7E 0x0100
        assertEquals("827e0100", RecordingHandler.hex(FrameEncoder.frame(Opcode.BINARY, true,
                ByteBuffer.allocate(256))).substring(0, 8));
        // 64 KiB binary: 0x82 0x7F 0x0000000000010000
        assertEquals("827f0000000000010000", RecordingHandler.hex(FrameEncoder.frame(Opcode.BINARY, true,
                ByteBuffer.allocate(65536))).substring(0, 20));
        // unmasked ping "Hello"
        assertEquals("890548656c6c6f", RecordingHandler.serverFrame(Opcode.PING,
                "Hello".getBytes(StandardCharsets.US_ASCII)));
    }

    @Test
    void writeHeaderAtPosition() {
        ByteBuffer dst = ByteBuffer.allocate(12);
        dst.put((byte) 7);
        FrameEncoder.writeHeader(dst, false, Opcode.TEXT, 300);
        assertEquals(5, dst.position());
        assertEquals("07017e012c", RecordingHandler.hex(dst.flip()));
    }

    @Test
    void fragmentsMessageIntoOneBuffer() {
        byte[] payload = pattern(1000);
        ByteBuffer src = ByteBuffer.wrap(payload, 10, 990);
        ByteBuffer out = FrameEncoder.message(Opcode.BINARY, src, 300);
        assertEquals(10, src.position());
        List<ServerFrames.Frame> frames = ServerFrames.parse(out);
        assertEquals(4, frames.size());
        assertEquals(Opcode.BINARY, frames.get(0).opcode());
        assertEquals(Opcode.CONTINUATION, frames.get(1).opcode());
        assertEquals(Opcode.CONTINUATION, frames.get(3).opcode());
        assertEquals(List.of(false, false, false, true), frames.stream().map(ServerFrames.Frame::fin).toList());
        assertEquals(List.of(300, 300, 300, 90), frames.stream().map(f -> f.payload().length).toList());
        byte[] expected = new byte[990];
        System.arraycopy(payload, 10, expected, 0, 990);
        assertArrayEquals(expected, ServerFrames.reassemble(frames));
    }

    @Test
    void messageNotLargerThanFragmentIsOneFrame() {
        assertEquals(1, ServerFrames.parse(FrameEncoder.message(Opcode.TEXT, ByteBuffer.allocate(300), 300)).size());
        assertEquals(1, ServerFrames.parse(FrameEncoder.message(Opcode.TEXT, ByteBuffer.allocate(300), 0)).size());
        assertEquals(2, ServerFrames.parse(FrameEncoder.message(Opcode.TEXT, ByteBuffer.allocate(300), 299)).size());
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 1, 2, 3, 5, 7, 64, 70_000})
    void textIsUtf8AndFragmentsMaySplitCharacters(int fragmentSize) {
        String text = "aé€😀".repeat(20) + "x".repeat(200) + "\uD800 lone surrogate";
        ByteBuffer out = FrameEncoder.text(text, fragmentSize);
        List<ServerFrames.Frame> frames = ServerFrames.parse(out);
        byte[] expected = text.getBytes(StandardCharsets.UTF_8);
        assertArrayEquals(expected, ServerFrames.reassemble(frames));
        assertEquals(Opcode.TEXT, frames.get(0).opcode());
        int expectedFrames = fragmentSize == 0 ? 1 : (expected.length + fragmentSize - 1) / fragmentSize;
        assertEquals(expectedFrames, frames.size());
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 1, 4, 125, 1000})
    void asciiTextFragments(int fragmentSize) {
        String text = "The quick brown fox jumps over the lazy dog. ".repeat(30);
        List<ServerFrames.Frame> frames = ServerFrames.parse(FrameEncoder.text(text, fragmentSize));
        assertEquals(text, new String(ServerFrames.reassemble(frames), StandardCharsets.UTF_8));
    }

    @Test
    void emptyText() {
        assertEquals("8100", RecordingHandler.hex(FrameEncoder.text("", 0)));
        assertEquals("8100", RecordingHandler.hex(FrameEncoder.text("", 10)));
    }

    @Test
    void closeFrames() {
        assertEquals("8800", RecordingHandler.hex(FrameEncoder.close(0, "")));
        assertEquals("8800", RecordingHandler.hex(FrameEncoder.close(0, null)));
        assertEquals("880203e8", RecordingHandler.hex(FrameEncoder.close(1000, "")));
        assertEquals("880503e9627965", RecordingHandler.hex(FrameEncoder.close(1001, "bye")));
        String max = "r".repeat(123);
        assertEquals(127, FrameEncoder.close(4999, max).remaining());
        assertThrows(IllegalArgumentException.class, () -> FrameEncoder.close(1000, "r".repeat(124)));
        assertThrows(IllegalArgumentException.class, () -> FrameEncoder.close(1000, "é".repeat(62)));
        assertThrows(IllegalArgumentException.class, () -> FrameEncoder.close(1005, ""));
        assertThrows(IllegalArgumentException.class, () -> FrameEncoder.close(0, "reason without code"));
    }

    @Test
    void controlFramesAreNotFragmentedOrLarge() {
        assertThrows(IllegalArgumentException.class,
                () -> FrameEncoder.frame(Opcode.PING, true, ByteBuffer.allocate(126)));
        assertThrows(IllegalArgumentException.class,
                () -> FrameEncoder.frame(Opcode.PONG, false, ByteBuffer.allocate(1)));
        assertThrows(IllegalArgumentException.class,
                () -> FrameEncoder.message(Opcode.PING, ByteBuffer.allocate(100), 10));
        assertThrows(IllegalArgumentException.class,
                () -> FrameEncoder.frame(0x3, true, ByteBuffer.allocate(1)));
    }

    static byte[] pattern(int length) {
        byte[] b = new byte[length];
        for (int i = 0; i < length; i++) {
            b[i] = (byte) (i * 31 + 7);
        }
        return b;
    }
    @Test
    void writingIntoAnArrayGivesTheSameFramesAsTheAllocatingEncoders() {
        for (int length : new int[] {0, 1, 125, 126, 127, 4000, 65_535, 65_536, 70_000}) {
            byte[] payload = new byte[length];
            for (int i = 0; i < length; i++) {
                payload[i] = (byte) (i * 7 + 1);
            }
            ByteBuffer source = ByteBuffer.wrap(payload, 0, length);
            byte[] expected = toArray(FrameEncoder.frame(Opcode.BINARY, true, source));
            byte[] dst = new byte[expected.length + 9];
            assertEquals(expected.length, FrameEncoder.writeFrame(Opcode.BINARY, source, dst, 5));
            assertArrayEquals(expected, java.util.Arrays.copyOfRange(dst, 5, 5 + expected.length), "length " + length);
            assertEquals(0, source.position(), "payload position unchanged");
        }
        for (String text : new String[] {"", "hello", "x".repeat(125), "y".repeat(126), "z".repeat(70_000),
                "caf\u00e9 \u6c34 \ud83e\uddad", "lone \ud800 surrogate \udc00", "\u00e9".repeat(63)}) {
            byte[] expected = toArray(FrameEncoder.text(text, 0));
            int length = FrameEncoder.textLength(text);
            assertEquals(text.getBytes(java.nio.charset.StandardCharsets.UTF_8).length, length);
            byte[] dst = new byte[expected.length + 3];
            assertEquals(expected.length, FrameEncoder.writeText(text, length, dst, 3));
            assertArrayEquals(expected, java.util.Arrays.copyOfRange(dst, 3, 3 + expected.length),
                    text.length() > 20 ? text.substring(0, 20) : text);
        }
    }

    private static byte[] toArray(ByteBuffer frame) {
        byte[] bytes = new byte[frame.remaining()];
        frame.duplicate().get(bytes);
        return bytes;
    }
}
