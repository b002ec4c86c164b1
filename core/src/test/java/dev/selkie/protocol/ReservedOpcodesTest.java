package dev.selkie.protocol;

import static dev.selkie.protocol.ProtocolAssertions.assertFailed;
import static dev.selkie.protocol.RecordingHandler.feed;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Autobahn category 4: reserved opcodes 3-7 and B-F fail the connection. */
class ReservedOpcodesTest {
    private static final int MAX = 1 << 16;

    @ParameterizedTest
    @ValueSource(ints = {3, 4, 5, 6, 7, 0xB, 0xC, 0xD, 0xE, 0xF})
    void reservedOpcodeFails(int opcode) {
        assertTrue(Opcode.isReserved(opcode));
        assertFailed(1002, feed(MAX, ClientFrames.frame(opcode).build()));
        assertFailed(1002, feed(MAX, ClientFrames.frame(opcode).payload("reserved opcode payload").build()));
    }

    @ParameterizedTest
    @ValueSource(ints = {3, 4, 5, 6, 7, 0xB, 0xC, 0xD, 0xE, 0xF})
    void reservedOpcodeAfterValidFrameAndBeforePing(int opcode) {
        byte[] input = ClientFrames.concat(ClientFrames.text("valid"),
                ClientFrames.frame(opcode).payload("x").build(), ClientFrames.ping(new byte[] {1}));
        assertEquals(List.of("text:valid"), assertFailed(1002, feed(MAX, input)));
        // the failure comes with the first byte of the bad frame, not after its payload
        byte[] valid = ClientFrames.text("valid");
        assertEquals(List.of("text:valid"), assertFailed(1002, feed(MAX, input, valid.length + 1, valid.length + 2)));
        List<String> partial = feed(MAX, java.util.Arrays.copyOf(input, valid.length + 1));
        assertEquals(List.of("text:valid"), assertFailed(1002, partial));
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 1, 2, 8, 9, 0xA})
    void definedOpcodesAreNotReserved(int opcode) {
        assertTrue(!Opcode.isReserved(opcode));
    }
}
