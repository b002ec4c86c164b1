package dev.selkie.protocol;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.zip.Deflater;
import java.util.zip.Inflater;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * permessage-deflate (RFC 7692) in the protocol core: the examples of section 7.2.3, round trips
 * against {@code java.util.zip} driven independently, fragmentation split at every byte, bombs,
 * corrupt data, UTF-8 of inflated text, and the frame rules for RSV1.
 */
class PerMessageDeflateTest {
    private static final HexFormat HEX = HexFormat.of();
    private final PerMessageDeflateNegotiator negotiator = new PerMessageDeflateNegotiator(6, 0, 0, 2);

    private Extension shared() {
        return negotiator.accept(new ExtensionOffer("permessage-deflate", List.of()));
    }

    private ProtocolPeer server(int max) {
        return new ProtocolPeer(Role.SERVER, max, List.of(shared()));
    }

    /** A masked client frame with this first byte (FIN, RSV1, opcode) and payload. */
    private static byte[] clientFrame(int firstByte, byte[] payload) {
        return new ProtocolPeer(Role.CLIENT, 0).frame(firstByte & 0x0F, (firstByte & 0x80) != 0, firstByte & 0x70,
                payload);
    }

    /** Compressed as a client would, with an independent zlib stream: sync flush, tail stripped. */
    private static byte[] deflate(byte[] data) {
        Deflater deflater = new Deflater(6, true);
        deflater.setInput(data);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buf = new byte[4096];
        int n;
        do {
            n = deflater.deflate(buf, 0, buf.length, Deflater.SYNC_FLUSH);
            out.write(buf, 0, n);
        } while (n == buf.length);
        deflater.end();
        byte[] all = out.toByteArray();
        return java.util.Arrays.copyOf(all, all.length - 4);
    }

    private static byte[] inflate(byte[] compressed) throws Exception {
        Inflater inflater = new Inflater(true);
        ByteArrayOutputStream in = new ByteArrayOutputStream();
        in.writeBytes(compressed);
        in.writeBytes(new byte[] {0, 0, (byte) 0xFF, (byte) 0xFF});
        inflater.setInput(in.toByteArray());
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buf = new byte[4096];
        int n;
        while ((n = inflater.inflate(buf)) > 0) {
            out.write(buf, 0, n);
        }
        inflater.end();
        return out.toByteArray();
    }

    @ParameterizedTest(name = "RFC 7692 7.2.3: {0}")
    @ValueSource(strings = {
        "f248cdc9c90700", // 7.2.3.1 one compressed block
        "000500faff48656c6c6f00", // 7.2.3.3 a block with no compression
        "f348cdc9c907000000", // 7.2.3.4 a block with BFINAL set
        "f24805000000ffffcac9c90700", // 7.2.3.5 two blocks in one message
    })
    void theRfcExamplesInflateToHello(String payloadHex) {
        ProtocolPeer server = server(1000);
        byte[] frame = clientFrame(0xC1, HEX.parseHex(payloadHex));
        server.receive(frame, 0, frame.length);
        assertEquals(List.of("text:Hello"), server.events);
    }

    @Test
    void anEmptyCompressedMessageIsAnEmptyMessage() {
        ProtocolPeer server = server(1000);
        byte[] frame = clientFrame(0xC1, deflate(new byte[0]));
        server.receive(frame, 0, frame.length);
        assertEquals(List.of("text:"), server.events);
    }

    @ParameterizedTest(name = "{0} bytes")
    @ValueSource(ints = {0, 1, 100, 4096, 70_000, 300_000})
    void whatZlibCompressesTheServerInflatesAndWhatTheServerCompressesZlibInflates(int size) throws Exception {
        byte[] text = jsonLike(size);
        ProtocolPeer server = server(1 << 20);
        byte[] frame = clientFrame(0xC1, deflate(text));
        server.receive(frame, 0, frame.length);
        assertEquals(List.of("text:" + new String(text, StandardCharsets.US_ASCII)), server.events);

        ByteBuffer compressed = shared().encode(Opcode.TEXT, ByteBuffer.wrap(text));
        if (size < 64) {
            return; // too small to get smaller: sent plain (null) or compressed, both allowed
        }
        assertNotNull(compressed);
        byte[] bytes = new byte[compressed.remaining()];
        compressed.get(bytes);
        assertArrayEquals(text, inflate(bytes));
        assertTrue(size < 1000 || bytes.length < text.length / 2, "JSON-like text compresses well: " + bytes.length);
    }

    @Test
    void aFragmentedCompressedMessageSplitAtEveryByteInflatesTheSame() {
        byte[] text = jsonLike(3000);
        byte[] compressed = deflate(text);
        int third = compressed.length / 3;
        byte[] frames = ClientFrames.concat(
                clientFrame(0x41, java.util.Arrays.copyOfRange(compressed, 0, third)),
                clientFrame(0x89, new byte[] {5}), // a ping in between
                clientFrame(0x00, java.util.Arrays.copyOfRange(compressed, third, 2 * third)),
                clientFrame(0x80, java.util.Arrays.copyOfRange(compressed, 2 * third, compressed.length)));
        String expected = "text:" + new String(text, StandardCharsets.US_ASCII);
        for (int cut = 0; cut <= frames.length; cut++) {
            ProtocolPeer server = server(1 << 20);
            server.receive(frames, 0, cut);
            server.receive(frames, cut, frames.length);
            assertEquals(List.of("ping:05", expected), server.events, "split at " + cut);
        }
    }

    @Test
    void aSmallBombIsRefusedWith1009WithoutInflatingPastTheLimit() {
        byte[] bomb = deflate(new byte[10 << 20]); // 10 MiB of zeros in about 10 KiB
        assertTrue(bomb.length < 16 << 10, "bomb of " + bomb.length);
        ProtocolPeer server = server(64 << 10);
        byte[] frame = clientFrame(0xC2, bomb);
        server.receive(frame, 0, frame.length);
        assertEquals(List.of("error:1009"), server.events);
    }

    @Test
    void aMessageOfExactlyTheLimitIsAccepted() {
        ProtocolPeer server = server(5000);
        byte[] frame = clientFrame(0xC2, deflate(new byte[5000]));
        server.receive(frame, 0, frame.length);
        assertEquals(List.of("binary:" + "00".repeat(5000)), server.events);
    }

    @Test
    void corruptCompressedDataIs1007() {
        ProtocolPeer server = server(1000);
        byte[] frame = clientFrame(0xC2, new byte[] {(byte) 0xFF, (byte) 0xFF, (byte) 0xFF, 0x01});
        server.receive(frame, 0, frame.length);
        assertEquals(List.of("error:1007"), server.events);
    }

    @Test
    void inflatedTextIsValidatedAsUtf8() {
        ProtocolPeer bad = server(1000);
        byte[] invalid = clientFrame(0xC1, deflate(new byte[] {'o', 'k', (byte) 0xC0, (byte) 0xAF}));
        bad.receive(invalid, 0, invalid.length);
        assertEquals(List.of("error:1007"), bad.events);

        String text = "ünïcödé 😀 ".repeat(2000); // multi-byte characters across the inflate steps
        ProtocolPeer good = server(1 << 20);
        byte[] frame = clientFrame(0xC1, deflate(text.getBytes(StandardCharsets.UTF_8)));
        good.receive(frame, 0, frame.length);
        assertEquals(List.of("text:" + text), good.events);
    }

    @Test
    void rsv1IsOnlyAllowedOnTheFirstFrameOfADataMessage() {
        byte[][] violations = {
            ClientFrames.concat(clientFrame(0x41, deflate("ab".getBytes(StandardCharsets.US_ASCII))),
                    clientFrame(0xC0, new byte[0])), // RSV1 on the continuation
            clientFrame(0xC9, new byte[0]), // RSV1 on a ping
            clientFrame(0xC8, new byte[] {3, (byte) 0xE8}), // RSV1 on a close
        };
        for (byte[] bad : violations) {
            ProtocolPeer server = server(1000);
            server.receive(bad, 0, bad.length);
            assertEquals(List.of("error:1002"), server.events);
        }
    }

    @Test
    void uncompressedMessagesStillPassOnACompressingConnection() {
        ProtocolPeer server = server(1000);
        byte[] frame = clientFrame(0x81, "plain".getBytes(StandardCharsets.US_ASCII));
        server.receive(frame, 0, frame.length);
        assertEquals(List.of("text:plain"), server.events);
    }

    @Test
    void messagesUnderTheThresholdGoPlain() {
        PerMessageDeflateNegotiator withThreshold = new PerMessageDeflateNegotiator(6, 256, 0, 1);
        Extension extension = withThreshold.accept(new ExtensionOffer("permessage-deflate", List.of()));
        assertNull(extension.encode(Opcode.TEXT, ByteBuffer.wrap(jsonLike(255))));
        assertNotNull(extension.encode(Opcode.TEXT, ByteBuffer.wrap(jsonLike(256))));
        withThreshold.close();
    }

    @Test
    void theSharedModeUsesOneInstanceAndAFewContextsForAnyNumberOfConnections() {
        Extension first = shared();
        for (int i = 0; i < 1000; i++) {
            assertSame(first, shared(), "one extension object for every shared-mode connection");
            first.encode(Opcode.TEXT, ByteBuffer.wrap(jsonLike(2048)));
            byte[] frame = clientFrame(0xC1, deflate(jsonLike(2048)));
            ProtocolPeer peer = new ProtocolPeer(Role.SERVER, 1 << 20, List.of(first));
            peer.receive(frame, 0, frame.length);
        }
        assertTrue(negotiator.pool().created() <= 2, "contexts made: " + negotiator.pool().created());
        negotiator.close();
        assertEquals(0, negotiator.pool().spares(), "every context ended at close");
    }

    /** Deterministic text that looks like a page of chat history in JSON, exactly {@code size} bytes. */
    static byte[] jsonLike(int size) {
        Random random = new Random(size);
        String[] words = {"hello", "world", "selkie", "message", "room", "user", "typing", "online", "away"};
        StringBuilder sb = new StringBuilder("{\"messages\":[");
        while (sb.length() < size) {
            sb.append("{\"user\":\"u").append(random.nextInt(16)).append("\",\"text\":\"")
                    .append(words[random.nextInt(words.length)]).append(' ')
                    .append(words[random.nextInt(words.length)]).append("\",\"ts\":")
                    .append(1_700_000_000 + random.nextInt(100_000)).append("},");
        }
        return sb.substring(0, size).getBytes(StandardCharsets.US_ASCII);
    }
}
