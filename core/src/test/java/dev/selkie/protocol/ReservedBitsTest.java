package dev.selkie.protocol;

import static dev.selkie.protocol.ProtocolAssertions.assertFailed;
import static dev.selkie.protocol.RecordingHandler.feed;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Autobahn category 3: RSV bits without a negotiated extension fail the connection at the first byte. */
class ReservedBitsTest {
    private static final int MAX = 1 << 16;

    @ParameterizedTest(name = "rsv {0} on opcode {1}")
    @CsvSource({
        "0x40, 1", "0x20, 1", "0x10, 1", "0x60, 1", "0x70, 1",
        "0x40, 2", "0x20, 2", "0x10, 2",
        "0x40, 9", "0x20, 9", "0x10, 9",
        "0x40, 10", "0x20, 8", "0x10, 8", "0x40, 0"})
    void reservedBitsFail(String rsv, int opcode) {
        int bits = Integer.decode(rsv);
        byte[] bad = ClientFrames.frame(opcode).rsv(bits).payload("x").build();
        // after a valid message, so the failure does not swallow what came before
        byte[] input = ClientFrames.concat(ClientFrames.text("before"), bad, ClientFrames.text("after"));
        List<String> before = assertFailed(1002, feed(MAX, input));
        assertEquals(List.of("text:before"), before);
        // fail-fast: the first byte of the bad frame is enough
        RecordingHandler h = new RecordingHandler();
        WebSocketProtocol p = new WebSocketProtocol(MAX, h);
        RecordingHandler.receive(p, bad, 0, 1, false);
        assertFailed(1002, h.events);
    }

    @ParameterizedTest
    @CsvSource({"0x40, 1, true", "0x40, 2, true", "0x20, 1, false", "0x40, 9, false", "0x40, 0, false"})
    void anExtensionMayAllowRsv1OnTheFirstDataFrame(String rsv, int opcode, boolean allowed) {
        FrameDecoder decoder = new FrameDecoder(Role.SERVER);
        decoder.allowRsv(0x40);
        byte[] frame = ClientFrames.frame(opcode).rsv(Integer.decode(rsv)).payload("x").build();
        if (opcode == Opcode.CONTINUATION) {
            decoder.readHeader(java.nio.ByteBuffer.wrap(ClientFrames.frame(Opcode.TEXT).fin(false).build()));
            decoder.nextFrame();
        }
        int result = decoder.readHeader(java.nio.ByteBuffer.wrap(frame));
        assertEquals(allowed ? FrameDecoder.HEADER_DONE : FrameDecoder.FAILED, result);
        if (allowed) {
            assertEquals(Integer.decode(rsv).intValue(), decoder.rsv());
        }
    }
}
