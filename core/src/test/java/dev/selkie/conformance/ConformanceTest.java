package dev.selkie.conformance;

import static dev.selkie.testing.RawClient.closePayload;
import static dev.selkie.testing.RawClient.frame;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.selkie.testing.RawClient;
import dev.selkie.protocol.ServerFrames;
import dev.selkie.WebSocketServer;
import dev.selkie.testing.EchoServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * An Autobahn|Testsuite-style run against an echo server configured like {@code demo echo} for
 * conformance runs (16 MiB messages): the cases of categories 1-7, 9 and 10 with raw bytes on a
 * real socket. Each case asserts the exact answer RFC 6455 requires ("OK", not "non-strict").
 */
class ConformanceTest {
    static final int MAX = 16 * 1024 * 1024;
    static WebSocketServer server;
    /** Opens an upgraded client to the server under test (plain here; {@link ConformanceOverTlsTest}: TLS). */
    static Connector connector;

    interface Connector {
        RawClient connect() throws IOException;
    }

    @BeforeAll
    static void start() {
        server = EchoServer.start(MAX);
        int port = server.port();
        connector = () -> RawClient.connect(port);
    }

    @AfterAll
    static void stop() {
        server.stop(Duration.ofSeconds(5));
    }

    static RawClient connect() throws IOException {
        return connector.connect();
    }

    private static byte[] bytes(int n, int seed) {
        byte[] b = new byte[n];
        new Random(seed).nextBytes(b);
        return b;
    }

    private static String ascii(int n) {
        char[] c = new char[n];
        for (int i = 0; i < n; i++) {
            c[i] = (char) ('a' + i % 26);
        }
        return new String(c);
    }

    private static void closeNormally(RawClient c) throws IOException {
        c.send(true, 8, closePayload(1000, ""));
        c.expectClose(1000);
    }

    /** Category 1: framing. */
    @Nested
    class Framing {
        @ParameterizedTest
        @ValueSource(ints = {0, 125, 126, 127, 128, 65535, 65536})
        void textEchoedAtEveryLengthEncoding(int length) throws IOException {
            try (RawClient c = connect()) {
                String text = ascii(length);
                c.sendText(text);
                ServerFrames.Frame f = c.readMessage();
                assertEquals(1, f.opcode());
                assertEquals(text, f.text());
                closeNormally(c);
            }
        }

        @ParameterizedTest
        @ValueSource(ints = {0, 125, 126, 127, 128, 65535, 65536})
        void binaryEchoedAtEveryLengthEncoding(int length) throws IOException {
            try (RawClient c = connect()) {
                byte[] data = bytes(length, length);
                c.send(true, 2, data);
                ServerFrames.Frame f = c.readMessage();
                assertEquals(2, f.opcode());
                assertArrayEquals(data, f.payload());
                closeNormally(c);
            }
        }

        @Test
        void frameWrittenOneByteAtATime() throws IOException {
            try (RawClient c = connect()) {
                byte[] data = bytes(300, 1);
                c.sendBytewise(frame(true, 0, 2, data));
                assertArrayEquals(data, c.readMessage().payload());
                closeNormally(c);
            }
        }
    }

    /** Category 2: pings and pongs. */
    @Nested
    class Pings {
        @ParameterizedTest
        @ValueSource(ints = {0, 1, 125})
        void pingAnsweredWithSamePayload(int length) throws IOException {
            try (RawClient c = connect()) {
                byte[] payload = bytes(length, 7);
                c.send(true, 9, payload);
                ServerFrames.Frame pong = c.read();
                assertEquals(10, pong.opcode());
                assertArrayEquals(payload, pong.payload());
                closeNormally(c);
            }
        }

        @Test
        void pingOver125BytesIsAProtocolError() throws IOException {
            try (RawClient c = connect()) {
                c.send(true, 9, bytes(126, 3));
                c.expectClose(1002);
            }
        }

        @Test
        void unsolicitedPongIsIgnored() throws IOException {
            try (RawClient c = connect()) {
                c.send(true, 10, "unsolicited".getBytes(StandardCharsets.UTF_8));
                c.sendText("after pong");
                assertEquals("after pong", c.readMessage().text());
                closeNormally(c);
            }
        }

        @Test
        void tenPingsWrittenAtOnceGetTenPongsInOrder() throws IOException {
            try (RawClient c = connect()) {
                ByteArrayOutputStream all = new ByteArrayOutputStream();
                for (int i = 0; i < 10; i++) {
                    all.writeBytes(frame(true, 0, 9, ("ping " + i).getBytes(StandardCharsets.UTF_8)));
                }
                c.sendRaw(all.toByteArray());
                for (int i = 0; i < 10; i++) {
                    ServerFrames.Frame pong = c.read();
                    assertEquals(10, pong.opcode());
                    assertEquals("ping " + i, pong.text());
                }
                closeNormally(c);
            }
        }

        @Test
        void fragmentedPingIsAProtocolError() throws IOException {
            try (RawClient c = connect()) {
                c.send(false, 9, "frag".getBytes(StandardCharsets.UTF_8));
                c.expectClose(1002);
            }
        }
    }

    /** Category 3: reserved bits. */
    @Nested
    class ReservedBits {
        @ParameterizedTest
        @ValueSource(ints = {1, 2, 3, 4, 5, 6, 7})
        void anyReservedBitFailsTheConnection(int rsv) throws IOException {
            try (RawClient c = connect()) {
                c.sendText("before");
                c.sendRaw(frame(true, rsv, 1, "bad".getBytes(StandardCharsets.UTF_8)));
                assertEquals("before", c.readMessage().text());
                c.expectClose(1002);
            }
        }

        @Test
        void reservedBitOnPing() throws IOException {
            try (RawClient c = connect()) {
                c.sendRaw(frame(true, 4, 9, new byte[0]));
                c.expectClose(1002);
            }
        }
    }

    /** Category 4: opcodes. */
    @Nested
    class Opcodes {
        @ParameterizedTest
        @ValueSource(ints = {3, 4, 5, 6, 7, 11, 12, 13, 14, 15})
        void reservedOpcodeFailsTheConnection(int opcode) throws IOException {
            try (RawClient c = connect()) {
                c.sendText("valid first");
                c.send(true, opcode, "x".getBytes(StandardCharsets.UTF_8));
                assertEquals("valid first", c.readMessage().text());
                c.expectClose(1002);
            }
        }
    }

    /** Category 5: fragmentation. */
    @Nested
    class Fragmentation {
        @Test
        void fragmentedTextIsEchoedAsOneMessage() throws IOException {
            try (RawClient c = connect()) {
                c.send(false, 1, "frag".getBytes(StandardCharsets.UTF_8));
                c.send(false, 0, "men".getBytes(StandardCharsets.UTF_8));
                c.send(true, 0, "ted".getBytes(StandardCharsets.UTF_8));
                ServerFrames.Frame f = c.readMessage();
                assertEquals(1, f.opcode());
                assertEquals("fragmented", f.text());
                closeNormally(c);
            }
        }

        @Test
        void pingBetweenFragmentsIsAnsweredFirst() throws IOException {
            try (RawClient c = connect()) {
                c.send(false, 2, new byte[] {1, 2});
                c.send(true, 9, "in between".getBytes(StandardCharsets.UTF_8));
                c.send(true, 0, new byte[] {3});
                ServerFrames.Frame pong = c.read();
                assertEquals(10, pong.opcode());
                assertEquals("in between", pong.text());
                ServerFrames.Frame msg = c.readMessage();
                assertArrayEquals(new byte[] {1, 2, 3}, msg.payload());
                closeNormally(c);
            }
        }

        @Test
        void manyFragmentsWithPingsWrittenOneByteAtATime() throws IOException {
            try (RawClient c = connect()) {
                ByteArrayOutputStream all = new ByteArrayOutputStream();
                all.writeBytes(frame(false, 0, 1, "Hello".getBytes(StandardCharsets.UTF_8)));
                all.writeBytes(frame(true, 0, 9, new byte[0]));
                all.writeBytes(frame(false, 0, 0, ", ".getBytes(StandardCharsets.UTF_8)));
                all.writeBytes(frame(true, 0, 9, new byte[0]));
                all.writeBytes(frame(true, 0, 0, "World!".getBytes(StandardCharsets.UTF_8)));
                c.sendBytewise(all.toByteArray());
                assertEquals(10, c.read().opcode());
                assertEquals(10, c.read().opcode());
                assertEquals("Hello, World!", c.readMessage().text());
                closeNormally(c);
            }
        }

        @Test
        void continuationWithoutStart() throws IOException {
            try (RawClient c = connect()) {
                c.send(true, 0, "nothing to continue".getBytes(StandardCharsets.UTF_8));
                c.expectClose(1002);
            }
        }

        @Test
        void newDataFrameWhileFragmentedMessageOpen() throws IOException {
            try (RawClient c = connect()) {
                c.send(false, 1, "start".getBytes(StandardCharsets.UTF_8));
                c.send(true, 1, "another start".getBytes(StandardCharsets.UTF_8));
                c.expectClose(1002);
            }
        }

        @Test
        void fragmentedClose() throws IOException {
            try (RawClient c = connect()) {
                c.send(false, 8, closePayload(1000, ""));
                c.expectClose(1002);
            }
        }
    }

    /** Category 6: UTF-8 handling, including fail-fast. */
    @Nested
    class Utf8 {
        @Test
        void validMultiByteTextSplitInsideCharactersIsEchoed() throws IOException {
            String text = "κόσμε \u00e9\u20ac\ud83d\ude00 Hello-µ@ßöäüàá-UTF-8!!";
            byte[] utf8 = text.getBytes(StandardCharsets.UTF_8);
            try (RawClient c = connect()) {
                // one frame per byte: every multi-byte character is split across frames
                for (int i = 0; i < utf8.length; i++) {
                    c.send(i == utf8.length - 1, i == 0 ? 1 : 0, new byte[] {utf8[i]});
                }
                assertEquals(text, c.readMessage().text());
                closeNormally(c);
            }
        }

        @ParameterizedTest
        @ValueSource(strings = {
            "ff",             // never valid
            "c0af",           // overlong '/'
            "e080af",         // overlong 3-byte
            "f08080af",       // overlong 4-byte
            "eda080",         // surrogate U+D800
            "edbfbf",         // surrogate U+DFFF
            "f4908080",       // U+110000
            "f8888080",       // 5-byte form
            "80",             // lone continuation
            "cebae1bdb9cf83cebcceb5eda080656469746564", // 6.4.1-like: valid then surrogate
        })
        void invalidTextFailsWith1007(String hex) throws IOException {
            try (RawClient c = connect()) {
                c.send(true, 1, hex(hex));
                c.expectClose(1007);
            }
        }

        @Test
        void truncatedSequenceAtEndOfMessage() throws IOException {
            try (RawClient c = connect()) {
                c.send(true, 1, hex("cebae1bd")); // last char cut
                c.expectClose(1007);
            }
        }

        @Test
        void failFastOnFirstFragmentWithoutTheRest() throws IOException {
            try (RawClient c = connect()) {
                // Autobahn 6.4.1: first fragment ends with invalid bytes; the rest is never sent
                c.send(false, 1, hex("cebae1bdb9cf83cebcceb5f4908080"));
                c.expectClose(1007);
            }
        }

        @Test
        void failFastInsideAPartiallyReceivedFrame() throws IOException {
            try (RawClient c = connect()) {
                // Autobahn 6.4.3: a frame declares 21 payload bytes; the valid first 11 arrive, then the
                // invalid 4 (F4 90 80 80 is above U+10FFFF); the last 6 are never sent
                byte[] whole = frame(true, 0, 1, hex("cebae1bdb9cf83cebcceb5f4908080656469746564"));
                c.sendRaw(Arrays.copyOf(whole, 6 + 11));
                c.sendRaw(Arrays.copyOfRange(whole, 6 + 11, 6 + 15));
                c.expectClose(1007);
            }
        }

        @Test
        void invalidUtf8InCloseReason() throws IOException {
            try (RawClient c = connect()) {
                byte[] payload = {0x03, (byte) 0xE8, (byte) 0xCE, (byte) 0xBA, (byte) 0xFF};
                c.send(true, 8, payload);
                c.expectClose(1007);
            }
        }
    }

    /** Category 7: closing. */
    @Nested
    class Closing {
        @Test
        void emptyCloseIsAnsweredWithEmptyClose() throws IOException {
            try (RawClient c = connect()) {
                c.send(true, 8, new byte[0]);
                ServerFrames.Frame f = c.read();
                assertEquals(8, f.opcode());
                assertEquals(0, f.payload().length);
                c.expectTcpClosed();
            }
        }

        @Test
        void oneBytePayloadIsAProtocolError() throws IOException {
            try (RawClient c = connect()) {
                c.send(true, 8, new byte[] {0x03});
                c.expectClose(1002);
            }
        }

        @ParameterizedTest
        @ValueSource(ints = {1000, 1001, 1002, 1003, 1007, 1008, 1009, 1010, 1011, 1012, 1013, 1014, 3000, 3999,
            4000, 4999})
        void validCodesAreEchoed(int code) throws IOException {
            try (RawClient c = connect()) {
                c.send(true, 8, closePayload(code, "bye"));
                c.expectClose(code);
            }
        }

        @ParameterizedTest
        @ValueSource(ints = {0, 999, 1004, 1005, 1006, 1015, 1016, 1100, 2000, 2999, 5000, 65535})
        void invalidCodesAreProtocolErrors(int code) throws IOException {
            try (RawClient c = connect()) {
                c.send(true, 8, closePayload(code, ""));
                c.expectClose(1002);
            }
        }

        @Test
        void maximumReasonLengthIsEchoed() throws IOException {
            try (RawClient c = connect()) {
                c.send(true, 8, closePayload(1000, ascii(123)));
                c.expectClose(1000);
            }
        }

        @Test
        void dataAfterCloseIsNotEchoed() throws IOException {
            try (RawClient c = connect()) {
                ByteArrayOutputStream all = new ByteArrayOutputStream();
                all.writeBytes(frame(true, 0, 8, closePayload(1000, "")));
                all.writeBytes(frame(true, 0, 1, "after close".getBytes(StandardCharsets.UTF_8)));
                all.writeBytes(frame(true, 0, 9, new byte[0]));
                c.sendRaw(all.toByteArray());
                c.expectClose(1000);
            }
        }

        @Test
        void closeAfterClose() throws IOException {
            try (RawClient c = connect()) {
                ByteArrayOutputStream all = new ByteArrayOutputStream();
                all.writeBytes(frame(true, 0, 8, closePayload(1000, "")));
                all.writeBytes(frame(true, 0, 8, closePayload(1001, "")));
                c.sendRaw(all.toByteArray());
                c.expectClose(1000);
            }
        }
    }

    /** Category 9: limits, messages up to 16 MiB. */
    @Nested
    class Limits {
        @ParameterizedTest
        @ValueSource(ints = {1 << 20, 4 << 20, 16 << 20})
        void largeBinaryMessageInOneFrame(int size) throws IOException {
            try (RawClient c = connect()) {
                byte[] data = bytes(size, size);
                c.send(true, 2, data);
                assertArrayEquals(data, c.readMessage().payload());
                closeNormally(c);
            }
        }

        @Test
        void largestTextMessageFragmentedIn64KiBFrames() throws IOException {
            try (RawClient c = connect()) {
                String text = ascii(MAX);
                byte[] utf8 = text.getBytes(StandardCharsets.UTF_8);
                int chunk = 64 * 1024;
                for (int off = 0; off < utf8.length; off += chunk) {
                    c.send(off + chunk >= utf8.length, off == 0 ? 1 : 0, Arrays.copyOfRange(utf8, off, off + chunk));
                }
                assertEquals(text, c.readMessage().text());
                closeNormally(c);
            }
        }

        @Test
        void messageOneByteOverTheLimitIs1009() throws IOException {
            try (RawClient c = connect()) {
                // the declared length alone must trigger 1009: send only the header
                byte[] h = new byte[14];
                h[0] = (byte) 0x82;
                h[1] = (byte) (0x80 | 127);
                long len = MAX + 1L;
                for (int i = 0; i < 8; i++) {
                    h[2 + i] = (byte) (len >>> (56 - 8 * i));
                }
                c.sendRaw(h);
                c.expectClose(1009);
            }
        }

        @Test
        void fragmentsAddingUpOverTheLimitAre1009() throws IOException {
            try (RawClient c = connect()) {
                int chunk = 1 << 20;
                byte[] part = new byte[chunk];
                for (int i = 0; i < 16; i++) {
                    c.send(false, i == 0 ? 2 : 0, part);
                }
                c.send(true, 0, new byte[] {1});
                c.expectClose(1009);
            }
        }
    }

    /** Category 10 and robustness: misc, absurd lengths, vanished clients. */
    @Nested
    class Robustness {
        @Test
        void absurdDeclaredLengthDoesNotAllocate() throws IOException {
            try (RawClient c = connect()) {
                byte[] h = {(byte) 0x82, (byte) 0xFF, 0x3F, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF,
                    (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, 1, 2, 3, 4};
                c.sendRaw(h);
                c.expectClose(1009);
            }
        }

        @Test
        void lengthWithTopBitSetIsAProtocolError() throws IOException {
            try (RawClient c = connect()) {
                byte[] h = {(byte) 0x82, (byte) 0xFF, (byte) 0x80, 0, 0, 0, 0, 0, 0, 1, 1, 2, 3, 4};
                c.sendRaw(h);
                c.expectClose(1002);
            }
        }

        @Test
        void unmaskedClientFrameIsAProtocolError() throws IOException {
            try (RawClient c = connect()) {
                c.sendRaw(new byte[] {(byte) 0x81, 0x02, 'h', 'i'});
                c.expectClose(1002);
            }
        }

        @Test
        void clientVanishingMidFrameDoesNotDisturbOthers() throws IOException {
            try (RawClient other = connect()) {
                for (int i = 0; i < 20; i++) {
                    try (RawClient c = connect()) {
                        byte[] f = frame(true, 0, 2, bytes(100_000, i));
                        c.sendRaw(Arrays.copyOf(f, 5_000 + i * 1_000));
                    } // socket closed mid-frame
                    other.sendText("still here " + i);
                    assertEquals("still here " + i, other.readMessage().text());
                }
                closeNormally(other);
            }
        }

        @Test
        void autoFragmentedMessageOf64KiBIn1300ByteFrames() throws IOException {
            // Autobahn 10.1.1
            try (RawClient c = connect()) {
                byte[] data = bytes(65536, 10);
                for (int off = 0; off < data.length; off += 1300) {
                    int end = Math.min(data.length, off + 1300);
                    c.send(end == data.length, off == 0 ? 2 : 0, Arrays.copyOfRange(data, off, end));
                }
                assertArrayEquals(data, c.readMessage().payload());
                closeNormally(c);
            }
        }

        @Test
        void pipelinedMessagesInOneWriteAreAllEchoedInOrder() throws IOException {
            try (RawClient c = connect()) {
                ByteArrayOutputStream all = new ByteArrayOutputStream();
                for (int i = 0; i < 1000; i++) {
                    all.writeBytes(frame(true, 0, 1, ("m" + i).getBytes(StandardCharsets.UTF_8)));
                }
                c.sendRaw(all.toByteArray());
                for (int i = 0; i < 1000; i++) {
                    assertEquals("m" + i, c.readMessage().text());
                }
                closeNormally(c);
            }
        }
    }

    private static byte[] hex(String hex) {
        byte[] out = new byte[hex.length() / 2];
        for (int i = 0; i < out.length; i++) {
            out[i] = (byte) Integer.parseInt(hex.substring(2 * i, 2 * i + 2), 16);
        }
        assertTrue(out.length > 0);
        return out;
    }
}
