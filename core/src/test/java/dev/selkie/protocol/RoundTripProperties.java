package dev.selkie.protocol;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

/** Randomised round trips: client frames through the decoder, and server frames through a test-side decoder. */
class RoundTripProperties {
    /** A message: text (then {@code text} is set) or binary. */
    record Message(String text, byte[] data) {
        boolean isText() {
            return text != null;
        }

        byte[] payload() {
            return isText() ? text.getBytes(StandardCharsets.UTF_8) : data;
        }

        String event() {
            return isText() ? "text:" + text : "binary:" + RecordingHandler.hex(data);
        }

        @Override
        public String toString() {
            return isText() ? "text(" + text.length() + " chars)" : "binary(" + data.length + " bytes)";
        }
    }

    @Provide
    Arbitrary<Message> messages() {
        Arbitrary<Integer> codePoint = Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(6, Arbitraries.integers().between(0, 0x7F)),
                net.jqwik.api.Tuple.of(2, Arbitraries.integers().between(0x80, 0x7FF)),
                net.jqwik.api.Tuple.of(2, Arbitraries.integers().between(0x800, 0xFFFF)
                        .filter(cp -> cp < 0xD800 || cp > 0xDFFF)),
                net.jqwik.api.Tuple.of(2, Arbitraries.integers().between(0x10000, 0x10FFFF)));
        Arbitrary<Message> text = codePoint.list().ofMaxSize(300).map(cps -> {
            StringBuilder sb = new StringBuilder();
            cps.forEach(sb::appendCodePoint);
            return new Message(sb.toString(), null);
        });
        Arbitrary<Message> binary = Arbitraries.bytes().array(byte[].class).ofMaxSize(600)
                .map(b -> new Message(null, b));
        Arbitrary<Message> large = Arbitraries.integers().between(60_000, 70_000)
                .map(n -> new Message(null, FrameEncoderTest.pattern(n)));
        return Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(10, text), net.jqwik.api.Tuple.of(10, binary), net.jqwik.api.Tuple.of(1, large));
    }

    @Property(tries = 300)
    void clientMessagesSurviveRandomFragmentationAndSplits(
            @ForAll("messageLists") List<Message> messages, @ForAll long seed, @ForAll boolean direct) {
        Random random = new Random(seed);
        List<byte[]> frames = new ArrayList<>();
        List<String> expected = new ArrayList<>();
        for (Message m : messages) {
            byte[] payload = m.payload();
            int pos = 0;
            boolean first = true;
            do {
                int n = random.nextInt(4) == 0 ? payload.length - pos : random.nextInt(payload.length - pos + 1);
                boolean fin = pos + n == payload.length;
                frames.add(ClientFrames.frame(first ? (m.isText() ? Opcode.TEXT : Opcode.BINARY) : Opcode.CONTINUATION)
                        .fin(fin).mask(random.nextInt()).payload(Arrays.copyOfRange(payload, pos, pos + n))
                        .lengthEncoding(random.nextInt(10) == 0 ? ClientFrames.LengthEncoding.SIXTY_FOUR_BIT
                                : ClientFrames.LengthEncoding.MINIMAL)
                        .build());
                pos += n;
                first = false;
                if (!fin && random.nextInt(5) == 0) {
                    byte[] ping = new byte[random.nextInt(126)];
                    random.nextBytes(ping);
                    frames.add(ClientFrames.frame(Opcode.PING).mask(random.nextInt()).payload(ping).build());
                    expected.add("sent:" + RecordingHandler.serverFrame(Opcode.PONG, ping));
                    expected.add("ping:" + RecordingHandler.hex(ping));
                }
            } while (pos < payload.length);
            expected.add(m.event());
        }
        byte[] input = ClientFrames.concat(frames.toArray(new byte[0][]));
        int[] cuts = random.ints(random.nextInt(Math.min(40, input.length + 1)), 0, input.length + 1).sorted().toArray();
        assertEquals(expected, RecordingHandler.feed(1 << 20, direct, input, cuts));
    }

    @Provide
    Arbitrary<List<Message>> messageLists() {
        return messages().list().ofMinSize(1).ofMaxSize(6);
    }

    @Property(tries = 300)
    void serverFramesDecodeToTheSameMessage(@ForAll("messages") Message m,
            @ForAll @IntRange(min = 0, max = 700) int fragmentSize) {
        ByteBuffer encoded = m.isText()
                ? FrameEncoder.text(m.text(), fragmentSize)
                : FrameEncoder.message(Opcode.BINARY, ByteBuffer.wrap(m.data()), fragmentSize);
        List<ServerFrames.Frame> frames = ServerFrames.parse(encoded);
        assertEquals(m.isText() ? Opcode.TEXT : Opcode.BINARY, frames.get(0).opcode());
        byte[] payload = m.payload();
        assertArrayEquals(payload, ServerFrames.reassemble(frames));
        int expectedFrames = fragmentSize == 0 || payload.length <= fragmentSize ? 1
                : (payload.length + fragmentSize - 1) / fragmentSize;
        assertEquals(expectedFrames, frames.size());
        int size = 0;
        for (ServerFrames.Frame f : frames) {
            size += FrameEncoder.headerSize(f.payload().length) + f.payload().length;
        }
        assertEquals(size, encoded.remaining(), "nothing but frames in the buffer");
    }

    @Property(tries = 200)
    void closeFramesRoundTrip(@ForAll @IntRange(min = 3000, max = 4999) int code,
            @ForAll @Size(max = 30) List<@IntRange(min = 0x20, max = 0x10FFFF) Integer> codePoints) {
        StringBuilder sb = new StringBuilder();
        codePoints.stream().filter(cp -> cp < 0xD800 || cp > 0xDFFF).forEach(sb::appendCodePoint);
        String reason = sb.toString();
        if (reason.getBytes(StandardCharsets.UTF_8).length > 123) {
            reason = "";
        }
        ServerFrames.Frame f = ServerFrames.parse(FrameEncoder.close(code, reason)).get(0);
        assertEquals(Opcode.CLOSE, f.opcode());
        // a client sending the same payload is understood
        List<String> events = RecordingHandler.feed(1000, ClientFrames.frame(Opcode.CLOSE).payload(f.payload()).build());
        assertEquals("close:" + code + ":" + reason, events.get(1));
    }

    @Property(tries = 100)
    void combinedStreamOfServerFramesParses(@ForAll("messageLists") List<Message> messages,
            @ForAll @IntRange(min = 0, max = 100) int fragmentSize) {
        List<ByteBuffer> parts = new ArrayList<>();
        for (Message m : messages) {
            parts.add(m.isText() ? FrameEncoder.text(m.text(), fragmentSize)
                    : FrameEncoder.message(Opcode.BINARY, ByteBuffer.wrap(m.data()), fragmentSize));
        }
        int total = parts.stream().mapToInt(ByteBuffer::remaining).sum();
        ByteBuffer all = ByteBuffer.allocate(total);
        parts.forEach(all::put);
        List<ServerFrames.Frame> frames = ServerFrames.parse(all.flip());
        int i = 0;
        for (Message m : messages) {
            List<ServerFrames.Frame> own = new ArrayList<>();
            do {
                own.add(frames.get(i++));
            } while (!own.get(own.size() - 1).fin());
            assertArrayEquals(m.payload(), ServerFrames.reassemble(own));
        }
        assertEquals(frames.size(), i);
    }
}
