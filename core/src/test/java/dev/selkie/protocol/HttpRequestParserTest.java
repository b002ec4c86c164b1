package dev.selkie.protocol;

import static dev.selkie.protocol.Requests.FRAMES;
import static dev.selkie.protocol.Requests.RFC_EXAMPLE;
import static dev.selkie.protocol.Requests.bytes;
import static dev.selkie.protocol.Requests.concat;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.selkie.protocol.HttpHeadParser.Status;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class HttpRequestParserTest {
    private static final byte[] RFC_BYTES = bytes(RFC_EXAMPLE);

    @Test
    void parsesTheRfcExample() {
        RequestHead head = Requests.parse(RFC_EXAMPLE);
        assertEquals("GET", head.method());
        assertEquals("/chat", head.target());
        assertEquals("/chat", head.path());
        assertEquals("", head.query());
        assertEquals(1, head.versionMajor());
        assertEquals(1, head.versionMinor());
        assertEquals(7, head.headers().size());
        assertEquals("server.example.com", head.headers().first("Host"));
        assertEquals("dGhlIHNhbXBsZSBub25jZQ==", head.headers().first("sec-websocket-key"));
        assertEquals(List.of("chat", "superchat"), head.headers().tokens("Sec-WebSocket-Protocol"));
        assertEquals(List.of("host", "upgrade", "connection", "sec-websocket-key", "origin",
                "sec-websocket-protocol", "sec-websocket-version"), List.copyOf(head.headers().asMap().keySet()));
    }

    @Test
    void splitsTargetIntoPathAndQuery() {
        RequestHead head = Requests.parse("GET /chat/room?name=a&b=c?d HTTP/1.1\r\nHost: h\r\n\r\n");
        assertEquals("/chat/room?name=a&b=c?d", head.target());
        assertEquals("/chat/room", head.path());
        assertEquals("name=a&b=c?d", head.query());
    }

    @Test
    void leavesFramesAfterTheHeadInTheBufferWhenAllArriveInOneRead() {
        ByteBuffer in = ByteBuffer.wrap(concat(RFC_BYTES, FRAMES));
        HttpRequestParser parser = new HttpRequestParser();
        assertEquals(Status.DONE, parser.feed(in));
        assertEquals(RFC_BYTES.length, in.position());
        assertEquals(RFC_BYTES.length, parser.headBytes());
        assertArrayEquals(FRAMES, remaining(in));
    }

    @Test
    void parsesTheRfcExampleSplitInTwoAtEveryPosition() {
        RequestHead expected = Requests.parse(RFC_EXAMPLE);
        byte[] all = concat(RFC_BYTES, FRAMES);
        for (int split = 0; split <= RFC_BYTES.length; split++) {
            HttpRequestParser parser = new HttpRequestParser();
            ByteBuffer first = ByteBuffer.wrap(all, 0, split);
            Status firstStatus = parser.feed(first);
            if (split < RFC_BYTES.length) {
                assertEquals(Status.NEED_MORE, firstStatus, "split " + split);
                assertEquals(0, first.remaining(), "split " + split);
                ByteBuffer second = ByteBuffer.wrap(all, split, all.length - split);
                assertEquals(Status.DONE, parser.feed(second), "split " + split);
                assertArrayEquals(FRAMES, remaining(second), "split " + split);
            } else {
                assertEquals(Status.DONE, firstStatus);
            }
            assertSameHead(expected, parser.head());
        }
    }

    @Test
    void parsesTheRfcExampleArrivingOneByteAtATimeAndLeavesTheFrames() {
        byte[] all = concat(RFC_BYTES, FRAMES);
        ByteBuffer in = ByteBuffer.wrap(all).limit(0);
        HttpRequestParser parser = new HttpRequestParser();
        Status status = Status.NEED_MORE;
        int reads = 0;
        while (status == Status.NEED_MORE && in.limit() < all.length) {
            in.limit(in.limit() + 1);
            status = parser.feed(in);
            reads++;
        }
        assertEquals(Status.DONE, status);
        assertEquals(RFC_BYTES.length, reads);
        in.limit(all.length);
        assertEquals(RFC_BYTES.length, in.position());
        assertArrayEquals(FRAMES, remaining(in));
        assertSameHead(Requests.parse(RFC_EXAMPLE), parser.head());
        assertEquals(Status.DONE, parser.feed(in), "feeding after DONE consumes nothing");
        assertArrayEquals(FRAMES, remaining(in));
    }

    @Test
    void acceptsBareLfLineEndings() {
        RequestHead crlf = Requests.parse(RFC_EXAMPLE);
        assertSameHead(crlf, Requests.parse(RFC_EXAMPLE.replace("\r\n", "\n")));
        String mixed = RFC_EXAMPLE.replace("Upgrade\r\n", "Upgrade\n").replace("13\r\n\r\n", "13\r\n\n");
        assertSameHead(crlf, Requests.parse(mixed));
    }

    @Test
    void ignoresEmptyLinesBeforeTheRequestLine() {
        assertSameHead(Requests.parse(RFC_EXAMPLE), Requests.parse("\r\n\n" + RFC_EXAMPLE));
    }

    @Test
    void keepsEmptyValuesAndObsTextAndTrimsOptionalWhiteSpace() {
        RequestHead head = Requests.parse("GET / HTTP/1.1\r\nHost: h\r\nX-Empty:\r\nX-Name: \t caf\u00e9 \t\r\n\r\n");
        assertEquals("", head.headers().first("x-empty"));
        assertEquals("caf\u00e9", head.headers().first("x-name"));
    }

    @Test
    void growsItsBufferWithTheBytesReceivedOnly() {
        HttpRequestParser parser = new HttpRequestParser(64 << 10, 100);
        assertEquals(0, parser.bufferCapacity(), "nothing before the first byte");
        parser.feed(ByteBuffer.wrap(bytes("GET /" + "a".repeat(300))));
        assertEquals(305, parser.bufferCapacity(), "the bytes at hand");
        parser.feed(ByteBuffer.wrap(bytes("a".repeat(300))));
        assertEquals(605, parser.bufferCapacity());
        assertEquals(Status.NEED_MORE, parser.feed(ByteBuffer.wrap(bytes(" HTTP/1.1\r\nHost: h\r\n"))));
        assertEquals(907, parser.bufferCapacity(), "half again when the head trickles in");
    }

    @Test
    void growsByHalvesWhenFedOneByteAtATime() {
        HttpRequestParser parser = new HttpRequestParser(64 << 10, 100);
        byte[] head = bytes(RFC_EXAMPLE);
        int grown = 0;
        for (int i = 0; i < head.length; i++) {
            int before = parser.bufferCapacity();
            parser.feed(ByteBuffer.wrap(head, i, 1));
            if (parser.bufferCapacity() != before) {
                grown++;
                assertTrue(parser.bufferCapacity() <= Math.max(64, i + (i >> 1)), "capacity " + parser.bufferCapacity()
                        + " after " + (i + 1) + " bytes");
            }
        }
        assertTrue(grown <= 6, "grew " + grown + " times");
    }

    @Test
    void neverGrowsItsBufferBeyondTheCap() {
        HttpRequestParser small = new HttpRequestParser(100, 100);
        assertEquals(Status.ERROR, small.feed(ByteBuffer.wrap(bytes("G".repeat(5000)))));
        assertEquals(100, small.headBytes());
        HttpRequestParser parser = new HttpRequestParser(1000, 100);
        parser.feed(ByteBuffer.wrap(bytes("G".repeat(600))));
        assertEquals(600, parser.bufferCapacity());
        assertEquals(Status.ERROR, parser.feed(ByteBuffer.wrap(bytes("G".repeat(5000)))));
        assertEquals(431, parser.errorStatus());
        assertEquals(1000, parser.headBytes());
        HttpRequestParser exact = new HttpRequestParser(1000, 100);
        exact.feed(ByteBuffer.wrap(bytes("G".repeat(999))));
        assertEquals(999, exact.bufferCapacity());
        assertEquals(Status.NEED_MORE, exact.feed(ByteBuffer.wrap(bytes("G"))));
        assertEquals(1000, exact.bufferCapacity(), "half again, but never beyond the cap");
    }

    @Test
    void acceptsAHeadOfExactlyTheDefaultLimit() {
        byte[] head = headOfLength(HttpRequestParser.DEFAULT_MAX_HEAD_BYTES);
        ByteBuffer in = ByteBuffer.wrap(concat(head, FRAMES));
        HttpRequestParser parser = new HttpRequestParser();
        assertEquals(Status.DONE, parser.feed(in));
        assertArrayEquals(FRAMES, remaining(in));
    }

    @Test
    void answers431ToAHeadOneByteOverTheDefaultLimit() {
        HttpRequestParser parser = new HttpRequestParser();
        assertEquals(Status.ERROR, parser.feed(ByteBuffer.wrap(headOfLength(HttpRequestParser.DEFAULT_MAX_HEAD_BYTES + 1))));
        assertEquals(431, parser.errorStatus());
        assertTrue(parser.errorReason().contains("8192"), parser.errorReason());
    }

    @Test
    void answers431OneByteOverAConfiguredLimitEvenOneByteAtATime() {
        byte[] exact = headOfLength(1024);
        assertEquals(Status.DONE, feedBytewise(new HttpRequestParser(1024, 100), exact));
        HttpRequestParser parser = new HttpRequestParser(1023, 100);
        assertEquals(Status.ERROR, feedBytewise(parser, exact));
        assertEquals(431, parser.errorStatus());
    }

    @Test
    void acceptsExactly100HeaderLinesAndAnswers431To101() {
        HttpRequestParser hundred = new HttpRequestParser();
        assertEquals(Status.DONE, hundred.feed(ByteBuffer.wrap(headWithLines(100))));
        assertEquals(100, hundred.head().headers().size());

        HttpRequestParser hundredOne = new HttpRequestParser();
        assertEquals(Status.ERROR, hundredOne.feed(ByteBuffer.wrap(headWithLines(101))));
        assertEquals(431, hundredOne.errorStatus());
    }

    @Test
    void honoursAConfiguredHeaderLineLimit() {
        assertEquals(Status.DONE, new HttpRequestParser(8192, 3).feed(ByteBuffer.wrap(headWithLines(3))));
        HttpRequestParser parser = new HttpRequestParser(8192, 3);
        assertEquals(Status.ERROR, parser.feed(ByteBuffer.wrap(headWithLines(4))));
        assertEquals(431, parser.errorStatus());
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "GET / HTTP/1.1\r\nHost h\r\n\r\n",                  // no colon
        "GET / HTTP/1.1\r\nHost : h\r\n\r\n",                // white space before colon
        "GET / HTTP/1.1\r\nHost\t: h\r\n\r\n",               // tab before colon
        "GET / HTTP/1.1\r\nBad Name: x\r\n\r\n",             // space inside the name
        "GET / HTTP/1.1\r\nX@Y: x\r\n\r\n",                  // non-token character in the name
        "GET / HTTP/1.1\r\n: x\r\n\r\n",                     // empty name
        "GET / HTTP/1.1\r\nHost: h\r\nX: a\r\n b\r\n\r\n",   // obs-fold
        "GET / HTTP/1.1\r\n Host: h\r\n\r\n",                // first header line folded
        "GET / HTTP/1.1\r\nHost: a\u0001b\r\n\r\n",          // control character in a value
        "GET / HTTP/1.1\r\nHost: a\u0000b\r\n\r\n",          // NUL in a value
        "GET / HTTP/1.1\r\nHost: a\u007fb\r\n\r\n",          // DEL in a value
        "GET / HTTP/1.1\r\nHost: a\rb\r\n\r\n",              // bare CR inside a value
        "GET / HTTP/1.1\r\nHost: h\r\n\r\r\n",               // CR CR LF is not a blank line
        "GET / HTTP/1.x\r\nHost: h\r\n\r\n",                 // bad version digit
        "GET / HTTP/11\r\nHost: h\r\n\r\n",                  // no dot
        "GET / http/1.1\r\nHost: h\r\n\r\n",                 // lower-case HTTP name
        "GET / HTTP/1.1 \r\nHost: h\r\n\r\n",                // trailing space
        "GET / HTTP/1.10\r\nHost: h\r\n\r\n",                // two-digit minor version
        "GET /\r\nHost: h\r\n\r\n",                          // HTTP/0.9 style, no version
        "GET\r\n\r\n",                                       // method only
        "GET  / HTTP/1.1\r\nHost: h\r\n\r\n",                // two spaces
        "GET\t/ HTTP/1.1\r\nHost: h\r\n\r\n",                // tab separator
        " GET / HTTP/1.1\r\nHost: h\r\n\r\n",                // leading space
        "G(T / HTTP/1.1\r\nHost: h\r\n\r\n",                 // non-token method
        "GET /a\u00e9 HTTP/1.1\r\nHost: h\r\n\r\n",          // non-ASCII target
        "GET /a\u0001 HTTP/1.1\r\nHost: h\r\n\r\n",          // control character in the target
    })
    void answers400ToMalformedHeads(String head) {
        HttpRequestParser parser = new HttpRequestParser();
        ByteBuffer in = ByteBuffer.wrap(bytes(head));
        assertEquals(Status.ERROR, parser.feed(in));
        assertEquals(400, parser.errorStatus());
        assertTrue(!parser.errorReason().isBlank());
        int position = in.position();
        assertEquals(Status.ERROR, parser.feed(in), "stays in ERROR");
        assertEquals(position, in.position(), "consumes nothing after ERROR");
        assertEquals(Status.ERROR, feedBytewise(new HttpRequestParser(), bytes(head)), "same in any split");
    }

    @Test
    void givesClearReasons() {
        assertEquals("white space before colon in header line", errorOf("GET / HTTP/1.1\r\nHost : h\r\n\r\n"));
        assertEquals("obsolete line folding in header", errorOf("GET / HTTP/1.1\r\nX: a\r\n b\r\n\r\n"));
        assertEquals("header line without colon", errorOf("GET / HTTP/1.1\r\nHost\r\n\r\n"));
        assertEquals("malformed HTTP version", errorOf("GET / HTTP/2\r\n\r\n"));
    }

    @Test
    void acceptsOtherVersionsAndMethodsSyntactically() {
        RequestHead head = Requests.parse("POST /x HTTP/2.0\r\n\r\n");
        assertEquals("POST", head.method());
        assertEquals(2, head.versionMajor());
        assertEquals(0, head.versionMinor());
        assertEquals(0, head.headers().size());
    }

    @Test
    void reportsStateMisuse() {
        HttpRequestParser parser = new HttpRequestParser();
        assertThrows(IllegalStateException.class, parser::head);
        assertThrows(IllegalStateException.class, parser::errorStatus);
        assertThrows(IllegalStateException.class, parser::errorReason);
        assertThrows(IllegalArgumentException.class, () -> new HttpRequestParser(0, 100));
        assertThrows(IllegalArgumentException.class, () -> new HttpRequestParser(100, -1));
    }

    @Test
    void needsMoreForAnEmptyRead() {
        HttpRequestParser parser = new HttpRequestParser();
        assertEquals(Status.NEED_MORE, parser.feed(ByteBuffer.allocate(0)));
        assertEquals(0, parser.headBytes());
    }

    /** A valid request head of exactly {@code length} bytes (terminating blank line included). */
    static byte[] headOfLength(int length) {
        String prefix = "GET / HTTP/1.1\r\nHost: h\r\nX-Pad: ";
        String suffix = "\r\n\r\n";
        byte[] head = bytes(prefix + "p".repeat(length - prefix.length() - suffix.length()) + suffix);
        assertEquals(length, head.length);
        return head;
    }

    private static byte[] headWithLines(int lines) {
        StringBuilder sb = new StringBuilder("GET / HTTP/1.1\r\nHost: h\r\n");
        for (int i = 1; i < lines; i++) {
            sb.append("X-H").append(i).append(": v\r\n");
        }
        return bytes(sb.append("\r\n").toString());
    }

    private static Status feedBytewise(HttpRequestParser parser, byte[] data) {
        Status status = Status.NEED_MORE;
        for (int i = 0; i < data.length && status == Status.NEED_MORE; i++) {
            ByteBuffer one = ByteBuffer.wrap(data, i, 1);
            status = parser.feed(one);
            if (status == Status.NEED_MORE) {
                assertEquals(0, one.remaining());
            }
        }
        return status;
    }

    private static String errorOf(String head) {
        HttpRequestParser parser = new HttpRequestParser();
        assertEquals(Status.ERROR, parser.feed(ByteBuffer.wrap(bytes(head))));
        return parser.errorReason();
    }

    private static byte[] remaining(ByteBuffer in) {
        byte[] out = new byte[in.remaining()];
        in.duplicate().get(out);
        return out;
    }

    private static void assertSameHead(RequestHead expected, RequestHead actual) {
        assertEquals(expected.method(), actual.method());
        assertEquals(expected.target(), actual.target());
        assertEquals(expected.versionMajor(), actual.versionMajor());
        assertEquals(expected.versionMinor(), actual.versionMinor());
        Map<String, List<String>> headers = expected.headers().asMap();
        assertEquals(headers, actual.headers().asMap());
        assertTrue(Arrays.asList(headers.keySet().toArray()).equals(Arrays.asList(actual.headers().asMap().keySet().toArray())),
                "same header order");
    }

    @Test
    void aResetParserParsesTheNextRequestAsANewOneWouldAtEverySplit() {
        RequestHead expected = Requests.parse(RFC_EXAMPLE);
        HttpRequestParser parser = new HttpRequestParser(RFC_BYTES.length, 100);
        byte[] other = bytes("GET /other HTTP/1.0\r\nA: b\r\n\r\n");
        for (int split = 0; split <= RFC_BYTES.length; split++) {
            // before each reset: a completed head, a malformed one, or one cut off half-way
            parser.reset();
            switch (split % 3) {
                case 0 -> assertEquals(Status.DONE, parser.feed(ByteBuffer.wrap(other)));
                case 1 -> assertEquals(Status.ERROR, parser.feed(ByteBuffer.wrap(bytes("BAD\r\n"))));
                default -> assertEquals(Status.NEED_MORE, parser.feed(ByteBuffer.wrap(other, 0, split % other.length)));
            }
            parser.reset();
            assertEquals(0, parser.headBytes());
            assertEquals(0, parser.bufferCapacity(), "no buffer before the first byte");
            assertThrows(IllegalStateException.class, parser::head);
            assertEquals(Status.NEED_MORE, parser.feed(ByteBuffer.wrap(RFC_BYTES, 0, split == RFC_BYTES.length ? 0 : split)));
            assertEquals(Status.DONE, parser.feed(ByteBuffer.wrap(RFC_BYTES, split == RFC_BYTES.length ? 0 : split,
                    split == RFC_BYTES.length ? RFC_BYTES.length : RFC_BYTES.length - split)), "split " + split);
            assertSameHead(expected, parser.head());
            assertEquals(RFC_BYTES.length, parser.headBytes(), "the limit counts from the reset");
        }
    }
}
