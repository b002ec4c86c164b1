package dev.selkie.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.selkie.protocol.ClientFrames;
import dev.selkie.protocol.ExtensionsHeader;
import dev.selkie.protocol.Opcode;
import dev.selkie.protocol.PerMessageDeflateNegotiator;
import dev.selkie.protocol.ServerFrames;
import dev.selkie.testing.ClientDeflate;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * permessage-deflate through one connection without a socket: the decode budget that keeps a
 * stream of highly compressible messages from holding the loop, the compression counters, and a
 * context-takeover connection's deflater ended when the connection closes.
 */
class HarnessDeflateTest {
    private static final String OFFER = "Sec-WebSocket-Extensions: permessage-deflate; client_max_window_bits";
    private final PerMessageDeflateNegotiator shared = new PerMessageDeflateNegotiator(6, 256, 0, 2);
    private final PerMessageDeflateNegotiator takeover = new PerMessageDeflateNegotiator(6, 256, 10, 2);

    @AfterEach
    void close() {
        shared.close();
        takeover.close();
    }

    private static ClientDeflate clientFor(String responseHead) {
        String line = responseHead.lines().filter(l -> l.startsWith("Sec-WebSocket-Extensions: ")).findFirst()
                .orElseThrow(() -> new AssertionError("no extension answered: " + responseHead));
        return new ClientDeflate(ExtensionsHeader.parse(List.of(line.substring(line.indexOf(':') + 2))).get(0));
    }

    private static ConnectionHarness open(PerMessageDeflateNegotiator negotiator, int maxMessageSize)
            throws Exception {
        return new ConnectionHarness(c -> {
            c.extensions = List.of(negotiator);
            c.maxMessageSize = maxMessageSize;
        });
    }

    @Test
    void aStreamThatInflatesToALotIsDecodedABudgetPerTurnWithReadingPaused() throws Exception {
        ConnectionHarness h = open(shared, 1 << 20);
        h.transport.deliver(dev.selkie.testing.RawClient.upgradeRequest("/", OFFER)
                .getBytes(StandardCharsets.ISO_8859_1));
        h.loop.runPending();
        try (ClientDeflate deflate = clientFor(h.responseHead())) {
            byte[] message = "a".repeat(Math.toIntExact(ReadPauses.DECODE_BUDGET / 2)).getBytes(StandardCharsets.UTF_8);
            ByteArrayOutputStream stream = new ByteArrayOutputStream();
            int messages = 7;
            for (int i = 0; i < messages; i++) {
                stream.writeBytes(ClientFrames.frame(Opcode.TEXT).rsv(0x40).payload(deflate.compress(message)).build());
            }
            byte[] wire = stream.toByteArray();
            assertTrue(wire.length < 64 << 10, "the whole stream arrives in one read: " + wire.length);

            h.transport.deliver(wire); // the read
            assertEquals(2, h.recorder.texts.size(), "a read decodes up to the budget, 1 MiB, and stops");
            assertFalse(h.transport.isReading(), "the connection reads nothing more while input is pending");
            int turns = 0;
            while (h.recorder.texts.size() < messages && turns < 10) {
                h.loop.runPending(); // after the other connections' reads, a budget more
                turns++;
                assertEquals(Math.min(messages, 2 + 2 * turns), h.recorder.texts.size(), "after turn " + turns);
            }
            assertEquals(3, turns, "2 + 2 + 2 + 1 messages");
            assertTrue(h.transport.isReading(), "reading resumes once the input is decoded");
            assertTrue(h.recorder.texts.stream().allMatch(t -> t.length() == message.length));

            LoopMetrics metrics = h.loop.metrics();
            assertEquals((long) messages * message.length, metrics.read(LoopMetrics.DECODED_AFTER), "inflated bytes");
            assertTrue(metrics.read(LoopMetrics.DECODED_BEFORE) < wire.length, "compressed payload bytes counted");
        }
    }

    @Test
    void aTakeoverConnectionKeepsItsDeflaterUntilItClosesAndThenEndsIt() throws Exception {
        ConnectionHarness h = open(takeover, 1 << 20);
        h.deliver(dev.selkie.testing.RawClient.upgradeRequest("/", OFFER).getBytes(StandardCharsets.ISO_8859_1));
        String head = h.responseHead();
        assertFalse(head.contains("server_no_context_takeover"), head);
        h.allowRsv(0x40);
        assertEquals(1, takeover.takeoverConnections());
        try (ClientDeflate deflate = clientFor(head)) {
            String json = "{\"user\":\"selkie\",\"text\":\"" + "hello there, ".repeat(40) + "\"}";
            int first = 0;
            for (int i = 0; i < 2; i++) {
                byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
                h.deliver(ClientFrames.frame(Opcode.TEXT).rsv(0x40).payload(deflate.compress(bytes)).build());
                ServerFrames.Frame echo = h.frame();
                assertEquals(0x40, echo.rsv());
                assertEquals(json, new String(deflate.inflate(echo.payload()), StandardCharsets.UTF_8));
                if (i == 0) {
                    first = echo.payload().length;
                } else {
                    assertTrue(echo.payload().length < first / 2,
                            "the second echo refers back to the first: " + echo.payload().length + " vs " + first);
                }
            }
            LoopMetrics metrics = h.loop.metrics();
            assertEquals(2L * json.length(), metrics.encodedBytesBefore.sum());
            assertTrue(metrics.encodedBytesAfter.sum() < json.length(), "compressed bytes out: " + metrics.encodedBytesAfter);
        }
        h.deliver(ClientFrames.close(1000, ""));
        assertTrue(h.transport.closed);
        assertEquals(0, takeover.takeoverConnections(), "its deflater ended with the connection");
    }
}
