package dev.selkie.protocol;

import static dev.selkie.protocol.ProtocolAssertions.assertFailed;
import static dev.selkie.protocol.ProtocolAssertions.everyByte;
import static dev.selkie.protocol.RecordingHandler.feed;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Autobahn category 6: UTF-8 handling of text messages. Valid text survives any fragmentation;
 * invalid text fails with 1007 when the first invalid byte arrives, not at the end of the message.
 */
class Utf8Test {
    private static final int MAX = 1 << 16;
    private static final String MIXED = "Hello-µ@ßöäüàá-UTF-8!! κόσμε 😀 𐍈 \uFFFF\uD7FF\uE000 \u0080\u07FF\u0800 \uDBFF\uDFFF";

    @Test
    void emptyTextFramesAndFragments() {
        assertEquals(List.of("text:"), feed(MAX, ClientFrames.text("")));
        assertEquals(List.of("text:"), feed(MAX, ClientFrames.concat(
                ClientFrames.frame(Opcode.TEXT).fin(false).build(),
                ClientFrames.frame(Opcode.CONTINUATION).fin(false).build(),
                ClientFrames.frame(Opcode.CONTINUATION).build())));
    }

    @Test
    void validTextSplitIntoTwoFramesAtEveryByte() {
        byte[] utf8 = MIXED.getBytes(StandardCharsets.UTF_8);
        for (int i = 0; i <= utf8.length; i++) {
            byte[] input = ClientFrames.concat(
                    ClientFrames.frame(Opcode.TEXT).fin(false).payload(Arrays.copyOfRange(utf8, 0, i)).build(),
                    ClientFrames.frame(Opcode.CONTINUATION).payload(Arrays.copyOfRange(utf8, i, utf8.length)).build());
            assertEquals(List.of("text:" + MIXED), feed(MAX, input), "split at " + i);
        }
    }

    @Test
    void validTextInOneByteFramesAndOneByteReads() {
        byte[] utf8 = MIXED.getBytes(StandardCharsets.UTF_8);
        byte[][] frames = new byte[utf8.length][];
        for (int i = 0; i < utf8.length; i++) {
            frames[i] = ClientFrames.frame(i == 0 ? Opcode.TEXT : Opcode.CONTINUATION).fin(i == utf8.length - 1)
                    .payload(new byte[] {utf8[i]}).build();
        }
        byte[] input = ClientFrames.concat(frames);
        assertEquals(List.of("text:" + MIXED), feed(MAX, input));
        assertEquals(List.of("text:" + MIXED), feed(MAX, true, input, everyByte(input.length)));
        // one frame, read one byte at a time
        byte[] single = ClientFrames.text(MIXED);
        assertEquals(List.of("text:" + MIXED), feed(MAX, single, everyByte(single.length)));
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource({
        "U+0000, 00", "U+007F, 7f", "U+0080, c2 80", "U+07FF, df bf", "U+0800, e0 a0 80", "U+D7FF, ed 9f bf",
        "U+E000, ee 80 80", "U+FFFD, ef bf bd", "U+FFFE, ef bf be", "U+FFFF, ef bf bf", "U+10000, f0 90 80 80",
        "U+10FFFF, f4 8f bf bf"})
    void boundaryCodePointsAreValid(String name, String hex) {
        byte[] utf8 = ClientFrames.hex(hex);
        byte[] frame = ClientFrames.frame(Opcode.TEXT).payload(utf8).build();
        assertEquals(List.of("text:" + new String(utf8, StandardCharsets.UTF_8)), feed(MAX, frame, everyByte(frame.length)));
    }

    /**
     * Each invalid sequence sits in the middle of a text message; the first invalid byte is at
     * {@code bad} within it. Nothing is reported before that byte; it alone causes 1007, although
     * the frame and the message are unfinished.
     */
    @ParameterizedTest(name = "{0}")
    @CsvSource({
        "80, 0", "bf, 0", "fe, 0", "ff, 0", "c0 af, 0", "c1 bf, 0", "f5 80 80 80, 0", "f8 88 80 80 80, 0",
        "c2 41, 1", "e0 80 af, 1", "e0 9f bf, 1", "f0 8f bf bf, 1", "f4 90 80 80, 1", "ed a0 80, 1",
        "ed bf bf, 1", "ed a0 80 ed b0 80, 1", "e2 82 41, 2", "f0 9f 98 41, 3", "ef bf bf 80, 3"})
    void invalidSequenceFailsAtItsFirstBadByte(String hex, int bad) {
        byte[] prefix = "κόσμε-".getBytes(StandardCharsets.UTF_8);
        byte[] payload = ClientFrames.concat(prefix, ClientFrames.hex(hex), "-edited".getBytes(StandardCharsets.UTF_8));
        int badIndex = prefix.length + bad;
        for (boolean fragmented : new boolean[] {false, true}) {
            byte[] input;
            int badPosition;
            if (fragmented) {
                // first fragment valid, second holds the invalid byte, the final one never comes
                byte[] first = ClientFrames.frame(Opcode.TEXT).fin(false).payload(Arrays.copyOf(payload, badIndex)).build();
                byte[] second = ClientFrames.frame(Opcode.CONTINUATION).fin(false)
                        .payload(Arrays.copyOfRange(payload, badIndex, payload.length)).build();
                input = ClientFrames.concat(first, second);
                badPosition = first.length + 6;
            } else {
                input = ClientFrames.frame(Opcode.TEXT).payload(payload).build();
                badPosition = 2 + 4 + badIndex;
            }
            for (boolean direct : new boolean[] {false, true}) {
                RecordingHandler h = new RecordingHandler();
                WebSocketProtocol p = new WebSocketProtocol(MAX, h);
                RecordingHandler.receive(p, input, 0, badPosition, direct);
                assertEquals(List.of(), h.events, "nothing before the bad byte");
                RecordingHandler.receive(p, input, badPosition, badPosition + 1, direct);
                assertFailed(1007, h.events);
                assertEquals(WebSocketProtocol.State.CLOSED, p.state());
            }
            assertFailed(1007, feed(MAX, input));
            assertFailed(1007, feed(MAX, true, input, everyByte(input.length)));
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"c3", "e2 82", "f0 9f 98", "f4 8f bf"})
    void truncatedSequenceAtTheEndOfTheMessageFails(String hex) {
        byte[] payload = ClientFrames.concat("abc".getBytes(StandardCharsets.UTF_8), ClientFrames.hex(hex));
        byte[] whole = ClientFrames.frame(Opcode.TEXT).payload(payload).build();
        List<String> events = feed(MAX, whole);
        assertFailed(1007, events);
        // the same failure (and reason) whether the frame arrives whole, split or in fragments
        assertEquals(events, feed(MAX, whole, 7));
        assertEquals(events, feed(MAX, true, whole, everyByte(whole.length)));
        byte[] fragmented = ClientFrames.concat(
                ClientFrames.frame(Opcode.TEXT).fin(false).payload(payload).build(),
                ClientFrames.frame(Opcode.CONTINUATION).build());
        List<String> beforeEnd = feed(MAX, Arrays.copyOf(fragmented, fragmented.length - 6));
        assertEquals(List.of(), beforeEnd, "an unfinished character is fine while the message goes on");
        assertEquals(events, feed(MAX, fragmented));
    }

    @Test
    void truncatedCharacterCompletedByTheNextFragmentIsValid() {
        byte[] euro = ClientFrames.hex("e2 82 ac");
        byte[] input = ClientFrames.concat(
                ClientFrames.frame(Opcode.TEXT).fin(false).payload(Arrays.copyOf(euro, 2)).build(),
                ClientFrames.ping(new byte[0]),
                ClientFrames.frame(Opcode.CONTINUATION).payload(Arrays.copyOfRange(euro, 2, 3)).build());
        List<String> events = feed(MAX, input);
        assertEquals("text:€", events.get(events.size() - 1));
    }

    @Test
    void binaryMessagesAreNotValidated() {
        byte[] junk = ClientFrames.hex("ff fe c0 ed a0 80");
        assertEquals(List.of("binary:fffec0eda080"), feed(MAX, ClientFrames.binary(junk)));
    }
}
