package dev.selkie.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.selkie.protocol.ClientFrames;
import dev.selkie.protocol.Opcode;
import dev.selkie.protocol.ServerFrames;
import dev.selkie.protocol.TestExtensions;
import dev.selkie.testing.RawClient;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A negotiated extension end to end through a connection (a test-only one): the answer header, the
 * decoded message the listener gets, the encoded echo with RSV1, and a client that offered nothing.
 */
class HarnessExtensionTest {
    private static byte[] xor(byte[] bytes, int key) {
        byte[] out = bytes.clone();
        for (int i = 0; i < out.length; i++) {
            out[i] ^= (byte) key;
        }
        return out;
    }

    @Test
    void anOfferedExtensionIsAnsweredDecodedAndUsedForTheEcho() throws Exception {
        List<TestExtensions.Xor> made = new java.util.ArrayList<>();
        dev.selkie.protocol.ExtensionNegotiator recording = new dev.selkie.protocol.ExtensionNegotiator() {
            @Override
            public String name() {
                return "x-xor";
            }

            @Override
            public dev.selkie.protocol.Extension accept(dev.selkie.protocol.ExtensionOffer offer) {
                TestExtensions.Xor xor = (TestExtensions.Xor) TestExtensions.XOR.accept(offer);
                made.add(xor);
                return xor;
            }
        };
        ConnectionHarness h = new ConnectionHarness(c -> c.extensions = List.of(recording));
        h.deliver(RawClient.upgradeRequest("/", "Sec-WebSocket-Extensions: x-unknown, x-xor; key=9")
                .getBytes(StandardCharsets.ISO_8859_1));
        String head = h.responseHead();
        assertTrue(head.contains("\r\nSec-WebSocket-Extensions: x-xor; key=9\r\n"), head);
        h.allowRsv(0x40);
        byte[] encoded = xor("über".getBytes(StandardCharsets.UTF_8), 9);
        h.deliver(ClientFrames.frame(Opcode.TEXT).rsv(0x40).payload(encoded).build());
        assertEquals(List.of("über"), h.recorder.texts);
        ServerFrames.Frame echo = h.frame();
        assertEquals(0x40, echo.rsv(), "the echo went through the extension");
        assertEquals("über", new String(xor(echo.payload(), 9), StandardCharsets.UTF_8));
        h.deliver(ClientFrames.close(1000, ""));
        assertTrue(h.transport.closed);
        assertEquals(1, made.size());
        assertEquals(1, made.get(0).released, "released when the connection closed");
    }

    @Test
    void aClientThatOffersNothingTalksPlain() throws Exception {
        ConnectionHarness h = new ConnectionHarness(c -> c.extensions = List.of(TestExtensions.XOR));
        h.deliver(RawClient.upgradeRequest("/").getBytes(StandardCharsets.ISO_8859_1));
        assertFalse(h.responseHead().contains("Sec-WebSocket-Extensions"));
        h.sendText("plain");
        ServerFrames.Frame echo = h.frame();
        assertEquals(0, echo.rsv());
        assertEquals("plain", echo.text());
    }
}
