package dev.selkie.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The extension seam of the protocol core, exercised with test-only extensions: negotiation from
 * parsed offers to an answer, the RSV bits an accepted extension claims (and nothing more), the
 * inbound transform before UTF-8 validation and the size limit, and the outbound transform with
 * RSV1, between the client and server roles in memory.
 */
class ExtensionSeamTest {
    private static List<Extension> negotiate(String header, ExtensionNegotiator... supported) {
        return Extensions.negotiate(ExtensionsHeader.parse(List.of(header)), List.of(supported));
    }

    @Test
    void theFirstAcceptableOfferOfEachSupportedExtensionWinsInOfferOrder() {
        List<Extension> accepted = negotiate("x-foo, x-xor; bogus, x-stutter, x-xor; key=7",
                TestExtensions.XOR, TestExtensions.STUTTER);
        assertEquals(2, accepted.size());
        assertEquals("x-stutter, x-xor; key=7", Extensions.answer(accepted));
        assertNull(Extensions.answer(negotiate("x-foo; a=1", TestExtensions.XOR)), "nothing acceptable: no header");
        assertEquals(List.of(), negotiate("x-xor", new ExtensionNegotiator[0]));
    }

    @Test
    void extensionsWhoseRsvBitsClashAreDeclined() {
        ExtensionNegotiator otherXor = new ExtensionNegotiator() {
            @Override
            public String name() {
                return "x-other";
            }

            @Override
            public Extension accept(ExtensionOffer offer) {
                return new TestExtensions.Xor(1);
            }
        };
        List<Extension> accepted = negotiate("x-xor, x-other", TestExtensions.XOR, otherXor);
        assertEquals(1, accepted.size());
        assertEquals(1, ((TestExtensions.Xor) negotiate("x-other, x-xor", TestExtensions.XOR, otherXor).get(0)).key);
    }

    private static ProtocolPeer server(int max, Extension... extensions) {
        return new ProtocolPeer(Role.SERVER, max, List.of(extensions));
    }

    private static byte[] clientFrame(int opcode, boolean fin, int rsv, byte[] payload) {
        return new ProtocolPeer(Role.CLIENT, 0).frame(opcode, fin, rsv, payload);
    }

    private static byte[] xor(byte[] bytes, int key) {
        byte[] out = bytes.clone();
        for (int i = 0; i < out.length; i++) {
            out[i] ^= (byte) key;
        }
        return out;
    }

    @Test
    void utf8IsValidatedOnTheDecodedBytesNotOnTheWire() {
        byte[] text = "grüße ✓".getBytes(StandardCharsets.UTF_8);
        byte[] encoded = xor(text, 0x80); // every byte's top bit flipped: invalid UTF-8 on the wire
        ProtocolPeer ok = server(1000, new TestExtensions.Xor(0x80));
        byte[] frame = clientFrame(Opcode.TEXT, true, 0x40, encoded);
        ok.receive(frame, 0, frame.length);
        assertEquals(List.of("text:grüße ✓"), ok.events);

        ProtocolPeer bad = server(1000, new TestExtensions.Xor(0x80));
        byte[] invalid = clientFrame(Opcode.TEXT, true, 0x40, xor(new byte[] {(byte) 0xC0, (byte) 0xAF}, 0x80));
        bad.receive(invalid, 0, invalid.length);
        assertEquals(List.of("error:1007"), bad.events);
    }

    @Test
    void theSizeLimitHoldsForWhatAMessageDecodesTo() {
        ProtocolPeer fits = server(1000, new TestExtensions.Stutter());
        byte[] small = clientFrame(Opcode.BINARY, true, 0x20, new byte[500]);
        fits.receive(small, 0, small.length);
        assertEquals(List.of("binary:" + "00".repeat(1000)), fits.events);

        ProtocolPeer bomb = server(1000, new TestExtensions.Stutter());
        byte[] big = clientFrame(Opcode.BINARY, true, 0x20, new byte[501]); // within the limit on the wire
        bomb.receive(big, 0, big.length);
        assertEquals(List.of("error:1009"), bomb.events);
    }

    @Test
    void anEncodedMessageMayBeFragmentedWithTheBitsOnItsFirstFrameOnly() {
        byte[] encoded = xor("fragmented".getBytes(StandardCharsets.US_ASCII), 0x5A);
        byte[] frames = ClientFrames.concat(clientFrame(Opcode.TEXT, false, 0x40, java.util.Arrays.copyOf(encoded, 4)),
                clientFrame(Opcode.PING, true, 0, new byte[] {1}),
                clientFrame(Opcode.CONTINUATION, true, 0, java.util.Arrays.copyOfRange(encoded, 4, encoded.length)));
        for (int cut = 0; cut <= frames.length; cut++) {
            ProtocolPeer peer = server(1000, new TestExtensions.Xor(0x5A));
            peer.receive(frames, 0, cut);
            peer.receive(frames, cut, frames.length);
            assertEquals(List.of("ping:01", "text:fragmented"), peer.events, "split at " + cut);
        }
    }

    @Test
    void rsvBitsStayAProtocolErrorWhereNoExtensionClaimsThem() {
        byte[][] violations = {
            clientFrame(Opcode.TEXT, true, 0x20, new byte[1]), // RSV2: not claimed
            clientFrame(Opcode.PING, true, 0x40, new byte[1]), // on a control frame
            ClientFrames.concat(clientFrame(Opcode.TEXT, false, 0x40, new byte[1]),
                    clientFrame(Opcode.CONTINUATION, true, 0x40, new byte[1])), // on a continuation
        };
        for (byte[] bad : violations) {
            ProtocolPeer peer = server(1000, new TestExtensions.Xor(1));
            peer.receive(bad, 0, bad.length);
            assertEquals(List.of("error:1002"), peer.events);
        }
        ProtocolPeer none = server(1000);
        byte[] rsv1 = clientFrame(Opcode.TEXT, true, 0x40, new byte[1]);
        none.receive(rsv1, 0, rsv1.length);
        assertEquals(List.of("error:1002"), none.events, "no extension negotiated: RSV1 is an error");
    }

    @Test
    void aDecodingFailureClosesWithTheExtensionsCode() {
        Extension broken = new TestExtensions.Xor(1) {
            @Override
            public boolean decode(ByteBuffer in, MessageSink out) {
                throw new ExtensionException(1007, "corrupt");
            }
        };
        ProtocolPeer peer = server(1000, broken);
        byte[] frame = clientFrame(Opcode.BINARY, true, 0x40, new byte[3]);
        peer.receive(frame, 0, frame.length);
        assertEquals(List.of("error:1007"), peer.events);
    }

    @Test
    void whatTheServerEncodesTheClientDecodesWithTheSameExtension() {
        TestExtensions.Xor serverSide = new TestExtensions.Xor(0x33);
        ByteBuffer encoded = serverSide.encode(Opcode.TEXT, ByteBuffer.wrap("hello ✓".getBytes(StandardCharsets.UTF_8)));
        byte[] frame = new ProtocolPeer(Role.SERVER, 0).frame(Opcode.TEXT, true, 0x40, toArray(encoded));
        for (int cut = 0; cut <= frame.length; cut++) {
            ProtocolPeer client = new ProtocolPeer(Role.CLIENT, 1000, List.of(new TestExtensions.Xor(0x33)));
            client.receive(frame, 0, cut);
            client.receive(frame, cut, frame.length);
            assertEquals(List.of("text:hello ✓"), client.events);
        }
        assertTrue(serverSide.encode(Opcode.BINARY, ByteBuffer.allocate(0)).remaining() == 0);
    }

    private static byte[] toArray(ByteBuffer buffer) {
        byte[] bytes = new byte[buffer.remaining()];
        buffer.duplicate().get(bytes);
        return bytes;
    }
}
