package dev.selkie.protocol;

import static dev.selkie.protocol.ProtocolAssertions.assertFailed;
import static dev.selkie.protocol.ProtocolAssertions.everyByte;
import static dev.selkie.protocol.RecordingHandler.feed;
import static dev.selkie.protocol.RecordingHandler.hex;
import static dev.selkie.protocol.RecordingHandler.serverFrame;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Autobahn category 5: fragmented messages, control frames between fragments, and fragmentation errors. */
class FragmentationTest {
    private static final int MAX = 1 << 16;

    private static byte[] start(int opcode, String payload) {
        return ClientFrames.frame(opcode).fin(false).payload(payload).build();
    }

    private static byte[] cont(String payload, boolean fin) {
        return ClientFrames.frame(Opcode.CONTINUATION).fin(fin).payload(payload).build();
    }

    @Test
    void textInTwoFragments() {
        assertEquals(List.of("text:fragment1fragment2"),
                feed(MAX, ClientFrames.concat(start(Opcode.TEXT, "fragment1"), cont("fragment2", true))));
    }

    @Test
    void binaryInManyFragmentsIncludingEmptyOnes() {
        byte[] input = ClientFrames.concat(
                ClientFrames.frame(Opcode.BINARY).fin(false).payload(new byte[] {1}).build(),
                ClientFrames.frame(Opcode.CONTINUATION).fin(false).build(),
                ClientFrames.frame(Opcode.CONTINUATION).fin(false).payload(new byte[] {2, 3}).build(),
                ClientFrames.frame(Opcode.CONTINUATION).fin(true).build());
        assertEquals(List.of("binary:010203"), feed(MAX, input));
        assertEquals(List.of("binary:010203"), feed(MAX, true, input, everyByte(input.length)));
    }

    @Test
    void emptyFragmentsMakeAnEmptyMessage() {
        assertEquals(List.of("text:"), feed(MAX, ClientFrames.concat(start(Opcode.TEXT, ""), cont("", false),
                cont("", true))));
    }

    @ParameterizedTest
    @ValueSource(ints = {Opcode.PING, Opcode.PONG})
    void controlFramesBetweenFragments(int controlOpcode) {
        byte[] control = ClientFrames.frame(controlOpcode).payload(new byte[] {0x42}).build();
        byte[] input = ClientFrames.concat(start(Opcode.TEXT, "frag1"), control, cont("frag2", false), control,
                cont("frag3", true));
        List<String> expected = controlOpcode == Opcode.PING
                ? List.of("sent:" + serverFrame(Opcode.PONG, new byte[] {0x42}), "ping:42",
                        "sent:" + serverFrame(Opcode.PONG, new byte[] {0x42}), "ping:42", "text:frag1frag2frag3")
                : List.of("pong:42", "pong:42", "text:frag1frag2frag3");
        assertEquals(expected, feed(MAX, input));
        assertEquals(expected, feed(MAX, true, input, everyByte(input.length)));
    }

    @Test
    void closeBetweenFragmentsEndsTheConnectionWithoutTheMessage() {
        byte[] input = ClientFrames.concat(start(Opcode.TEXT, "frag1"), ClientFrames.close(1000, ""),
                cont("frag2", true));
        assertEquals(List.of("sent:" + RecordingHandler.serverClose(1000, ""), "close:1000:"), feed(MAX, input));
    }

    @Test
    void continuationWithoutStartFailsAtItsFirstByte() {
        assertFailed(1002, feed(MAX, cont("x", true)));
        assertFailed(1002, feed(MAX, cont("x", false)));
        // after a complete message, a continuation has nothing to continue either
        byte[] input = ClientFrames.concat(ClientFrames.text("done"), cont("x", true));
        assertEquals(List.of("text:done"), assertFailed(1002, feed(MAX, Arrays.copyOf(input, input.length - 6))));
    }

    @Test
    void newTextWhileFragmentedTextIsOpenFails() {
        byte[] input = ClientFrames.concat(start(Opcode.TEXT, "frag1"), ClientFrames.text("other"));
        assertFailed(1002, feed(MAX, input));
        // fail-fast: the first byte of the offending frame is enough
        byte[] first = start(Opcode.TEXT, "frag1");
        assertFailed(1002, feed(MAX, Arrays.copyOf(input, first.length + 1)));
    }

    @Test
    void newBinaryStartWhileFragmentedBinaryIsOpenFails() {
        byte[] input = ClientFrames.concat(start(Opcode.BINARY, "a"), start(Opcode.BINARY, "b"), cont("c", true));
        assertFailed(1002, feed(MAX, input));
    }

    @ParameterizedTest
    @ValueSource(ints = {Opcode.PING, Opcode.PONG, Opcode.CLOSE})
    void fragmentedControlFrameFailsAtItsFirstByte(int opcode) {
        byte[] bad = ClientFrames.frame(opcode).fin(false).payload("ctl").build();
        assertFailed(1002, feed(MAX, bad));
        assertFailed(1002, feed(MAX, Arrays.copyOf(bad, 1)));
        // also between fragments of a data message
        assertFailed(1002, feed(MAX, ClientFrames.concat(start(Opcode.TEXT, "a"), bad, cont("b", true))));
    }

    @Test
    void fragmentedPingThenContinuationFails() {
        byte[] input = ClientFrames.concat(ClientFrames.frame(Opcode.PING).fin(false).payload("a").build(),
                ClientFrames.frame(Opcode.CONTINUATION).payload("b").build());
        assertFailed(1002, feed(MAX, input));
    }

    @Test
    void messagesAfterAFragmentedOneWork() {
        byte[] input = ClientFrames.concat(start(Opcode.BINARY, "ab"), cont("cd", true), ClientFrames.text("next"),
                start(Opcode.TEXT, "x"), cont("y", true));
        assertEquals(List.of("binary:" + hex("abcd".getBytes()), "text:next", "text:xy"), feed(MAX, input));
    }

    /**
     * A message of several fragments with a ping between them and a final close, fed in two parts
     * at every split point and one byte at a time, heap and direct: always the same events.
     */
    @Test
    void sameEventsForEverySplit() {
        byte[] input = ClientFrames.concat(
                ClientFrames.frame(Opcode.TEXT).fin(false).payload("Hällo, ").mask(0x11223344).build(),
                ClientFrames.frame(Opcode.PING).payload("are you there?").mask(0x55667788).build(),
                ClientFrames.frame(Opcode.CONTINUATION).fin(false).payload("Wörld ").mask(0x99AABBCC).build(),
                ClientFrames.frame(Opcode.PONG).payload(new byte[0]).build(),
                ClientFrames.frame(Opcode.CONTINUATION).fin(true).payload("😀 the end ".repeat(12)).build(),
                ClientFrames.binary(FrameEncoderTest.pattern(300)),
                ClientFrames.close(1000, "bye"));
        List<String> expected = feed(MAX, input);
        assertEquals(List.of(
                "sent:" + serverFrame(Opcode.PONG, "are you there?".getBytes()),
                "ping:" + hex("are you there?".getBytes()),
                "pong:",
                "text:Hällo, Wörld " + "😀 the end ".repeat(12),
                "binary:" + hex(FrameEncoderTest.pattern(300)),
                "sent:" + RecordingHandler.serverClose(1000, ""),
                "close:1000:bye"), expected);
        for (int cut = 0; cut <= input.length; cut++) {
            assertEquals(expected, feed(MAX, input, cut), "split at " + cut);
            assertEquals(expected, feed(MAX, true, input, cut), "direct, split at " + cut);
        }
        assertEquals(expected, feed(MAX, input, everyByte(input.length)));
        assertEquals(expected, feed(MAX, true, input, everyByte(input.length)));
    }

    @Test
    void leftoverBytesOfAPartialHeaderAreKeptAcrossCalls() {
        RecordingHandler h = new RecordingHandler();
        WebSocketProtocol p = new WebSocketProtocol(MAX, h);
        byte[] frame = ClientFrames.binary(FrameEncoderTest.pattern(1000)); // 2 + 2 + 4 header bytes
        for (int i = 0; i < 8; i++) {
            ByteBuffer one = ByteBuffer.wrap(frame, i, 1);
            p.receive(one);
            assertEquals(i + 1, one.position());
        }
        assertEquals(List.of(), h.events);
        p.receive(ByteBuffer.wrap(frame, 8, frame.length - 8));
        assertEquals(List.of("binary:" + hex(FrameEncoderTest.pattern(1000))), h.events);
    }
}
