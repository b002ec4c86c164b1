package dev.selkie.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import static org.junit.jupiter.api.Assertions.assertSame;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A parsed {@link HeaderMap} answers from the received bytes until asked for its maps; these tests
 * compare every answer of that compact form with a map built field by field through {@link
 * HeaderMap#add}, before and after the compact one materialises.
 */
class CompactHeaderMapTest {
    private static final String HEAD = "GET /a?b=c HTTP/1.1\r\n"
            + "Host: h\r\n"
            + "X-Multi: 1\r\n"
            + "x-multi:2  \r\n"
            + "X-MULTI:\t 3 , ,4,\t\r\n"
            + "Connection: keep-alive, Upgrade\n"
            + "Upgrade:websocket\r\n"
            + "X-Empty:\r\n"
            + "X-Blank:  \t \r\n"
            + "X-Latin: caf\u00e9, \u00c9T\u00c9\r\n"
            + "Key: k\r\n"
            + "Sec-WebSocket-Version: 13\r\n"
            + "Sec-WebSocket-Version-X: 13\r\n"
            + "\r\n";
    private static final String[][] FIELDS = {
        {"Host", "h"}, {"X-Multi", "1"}, {"x-multi", "2  "}, {"X-MULTI", "\t 3 , ,4,\t"},
        {"Connection", "keep-alive, Upgrade"}, {"Upgrade", "websocket"}, {"X-Empty", ""}, {"X-Blank", "  \t "},
        {"X-Latin", "caf\u00e9, \u00c9T\u00c9"}, {"Key", "k"}, {"Sec-WebSocket-Version", "13"},
        {"Sec-WebSocket-Version-X", "13"},
    };
    private static final List<String> NAMES = List.of("host", "HOST", "x-multi", "X-Multi", "connection", "upgrade",
            "x-empty", "x-blank", "x-latin", "key", "ke", "keys", "sec-websocket-version", "sec-websocket-version-x",
            "absent", "", "\u212aey", "x-multi:", "h");
    private static final List<String> TOKENS = List.of("upgrade", "UPGRADE", "keep-alive", "websocket", "1", "3",
            "4", "", "caf\u00c9", "\u00e9t\u00e9", "h", "x");

    @Test
    void answersLikeAMapBuiltFieldByField() {
        HeaderMap expected = expected();
        HeaderMap compact = Requests.parse(HEAD).headers();
        assertSameAnswers(expected, compact);
        assertFalse(compact.materialised(), "first, all, tokens, hasToken, count and size read the bytes");
        assertEquals(expected.asMap(), compact.asMap());
        assertTrue(compact.materialised());
        assertSameAnswers(expected, compact);
        assertEquals(expected.toString(), compact.toString());
    }

    @Test
    void answersTheSameWhetherTheHeadArrivedWithFramesOrByteByByte() {
        HttpRequestParser withFrames = new HttpRequestParser();
        ByteBuffer in = ByteBuffer.wrap(Requests.concat(Requests.bytes(HEAD), Requests.FRAMES));
        assertEquals(HttpRequestParser.Status.DONE, withFrames.feed(in));
        assertEquals(Requests.FRAMES.length, in.remaining());
        assertSameAnswers(expected(), withFrames.head().headers());

        HttpRequestParser trickle = new HttpRequestParser();
        byte[] bytes = Requests.bytes(HEAD);
        for (int i = 0; i < bytes.length; i++) {
            trickle.feed(ByteBuffer.wrap(bytes, i, 1));
        }
        assertSameAnswers(expected(), trickle.head().headers());
        assertEquals(expected().asMap(), trickle.head().headers().asMap());
    }

    @Test
    void checksSingleValuesWithoutMaterialising() {
        HeaderMap compact = Requests.parse(HEAD).headers();
        assertTrue(compact.isSingleValue("sec-websocket-version", "13"));
        assertFalse(compact.isSingleValue("sec-websocket-version", "1"));
        assertFalse(compact.isSingleValue("x-multi", "1"), "three fields");
        assertFalse(compact.isSingleValue("absent", ""));
        assertTrue(compact.isSingleValue("x-empty", ""));
        assertTrue(compact.isSingleValue("X-LATIN", "caf\u00e9, \u00c9T\u00c9"));
        assertFalse(compact.materialised());
        compact.asMap();
        assertTrue(compact.isSingleValue("sec-websocket-version", "13"));
        assertFalse(compact.isSingleValue("x-multi", "1"));
    }

    @Test
    void theHandshakeCheckReadsTheBytesOnly() {
        RequestHead head = Requests.parse(Requests.RFC_EXAMPLE);
        assertEquals(HandshakeCheck.Kind.UPGRADE, Handshake.check(head).kind());
        assertEquals(List.of("chat", "superchat"), Handshake.offeredSubprotocols(head));
        assertFalse(head.headers().materialised());
    }

    @Test
    void aParsedMapStaysLiveAndReadOnlyAfterAdd() {
        HeaderMap compact = Requests.parse(HEAD).headers();
        List<String> snapshot = compact.all("x-multi");
        Map<String, List<String>> view = compact.asMap();
        List<String> multi = compact.all("x-multi");
        compact.add("X-Multi", " 5 ");
        compact.add("New", "n");
        assertEquals(List.of("1", "2", "3 , ,4,", "5"), multi);
        assertEquals(List.of("n"), view.get("new"));
        assertEquals(FIELDS.length + 2, compact.size());
        assertEquals(4, compact.count("X-multi"));
        assertThrows(UnsupportedOperationException.class, () -> view.put("c", List.of()));
        assertThrows(UnsupportedOperationException.class, () -> multi.add("x"));
        assertEquals(List.of("1", "2", "3 , ,4,"), snapshot, "all() of a compact map is a snapshot");
        assertThrows(UnsupportedOperationException.class, () -> snapshot.add("x"));
    }

    @Test
    void findsNoFieldForNamesThatOnlyStartLikeOne() {
        HeaderMap compact = Requests.parse("GET / HTTP/1.1\r\nHost: h\r\nUpgrade-Insecure-Requests: 1\r\n\r\n")
                .headers();
        assertNull(compact.first("upgrade"));
        assertFalse(compact.hasToken("upgrade", "1"));
        assertEquals(0, compact.count("upgrade"));
        assertEquals(List.of(), compact.tokens("upgrade"));
        assertEquals("1", compact.first("upgrade-insecure-requests"));
        assertThrows(NullPointerException.class, () -> compact.first(null));
    }

    private static HeaderMap expected() {
        HeaderMap map = new HeaderMap();
        for (String[] field : FIELDS) {
            map.add(field[0], field[1]);
        }
        return map;
    }

    private static void assertSameAnswers(HeaderMap expected, HeaderMap actual) {
        assertEquals(expected.size(), actual.size());
        for (String name : NAMES) {
            assertEquals(expected.first(name), actual.first(name), name);
            assertEquals(expected.tokens(name), actual.tokens(name), name);
            assertEquals(expected.count(name), actual.count(name), name);
            assertEquals(expected.all(name), actual.all(name), name);
            for (String token : TOKENS) {
                assertEquals(expected.hasToken(name, token), actual.hasToken(name, token), name + " " + token);
            }
        }
    }

    @Test
    void copyFirstCopiesTheTrimmedFirstValueInBothForms() {
        for (HeaderMap map : List.of(Requests.parse(HEAD).headers(), expected())) {
            byte[] dst = new byte[8];
            assertEquals(1, map.copyFirst("X-MULTI", dst), "first of three, trailing white space trimmed");
            assertEquals('1', dst[0]);
            assertEquals(0, map.copyFirst("x-empty", dst));
            assertEquals(0, map.copyFirst("x-blank", dst));
            assertEquals(-1, map.copyFirst("absent", dst));
            assertEquals(2, map.copyFirst("sec-websocket-version", dst));
            assertEquals("13", new String(dst, 0, 2, java.nio.charset.StandardCharsets.ISO_8859_1));
            byte[] tiny = new byte[3];
            assertEquals(19, map.copyFirst("connection", tiny), "too long for the array: only measured");
            assertEquals(0, tiny[0], "nothing copied");
            byte[] latin = new byte[32];
            int n = map.copyFirst("x-latin", latin);
            assertEquals("caf\u00e9, \u00c9T\u00c9", new String(latin, 0, n, java.nio.charset.StandardCharsets.ISO_8859_1));
        }
    }

    @Test
    void theScratchCheckLeavesTheKeyInTheRequestAndAgreesWithTheStringCheck() {
        HandshakeScratch scratch = new HandshakeScratch();
        RequestHead head = Requests.parse(Requests.RFC_EXAMPLE);
        HandshakeCheck check = Handshake.check(head, scratch);
        assertEquals(HandshakeCheck.Kind.UPGRADE, check.kind());
        assertNull(check.key(), "the key stays in the request");
        assertSame(check, Handshake.check(Requests.parse(Requests.RFC_EXAMPLE), scratch), "no allocation per check");
        assertFalse(head.headers().materialised());
        for (String key : List.of("dGhlIHNhbXBsZSBub25jZQ=", "dGhlIHNhbXBsZSBub25jZQ===", "dGhlIHNhbXBsZSBub25jZ!==",
                "dGhlIHNhbXBsZSBub25jZQ==" + "x".repeat(60), "")) {
            RequestHead bad = Requests.parse(Requests.RFC_EXAMPLE.replace("dGhlIHNhbXBsZSBub25jZQ==", key));
            assertEquals(Handshake.check(bad), Handshake.check(bad, scratch), key);
            assertEquals(HandshakeCheck.Kind.REJECT, Handshake.check(bad, scratch).kind(), key);
        }
    }
}
