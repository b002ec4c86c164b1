package dev.selkie.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class HttpResponsesTest {
    private static final String ACCEPT = "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=";

    @Test
    void writesTheMinimal101() {
        assertEquals("HTTP/1.1 101 Switching Protocols\r\n"
                + "Upgrade: websocket\r\n"
                + "Connection: Upgrade\r\n"
                + "Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n"
                + "\r\n", text(HttpResponses.switchingProtocols(ACCEPT, null, null, null)));
    }

    @Test
    void writesThe101WithSubprotocolExtensionsAndExtraHeadersInOrder() {
        HeaderFields extra = fields("Set-Cookie", "session=abc; HttpOnly", "X-Server", "selkie",
                "set-cookie", "theme=dark");
        assertEquals("HTTP/1.1 101 Switching Protocols\r\n"
                + "Upgrade: websocket\r\n"
                + "Connection: Upgrade\r\n"
                + "Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n"
                + "Sec-WebSocket-Protocol: chat\r\n"
                + "Sec-WebSocket-Extensions: permessage-deflate; server_no_context_takeover\r\n"
                + "Set-Cookie: session=abc; HttpOnly\r\n"
                + "X-Server: selkie\r\n"
                + "set-cookie: theme=dark\r\n"
                + "\r\n", text(HttpResponses.switchingProtocols(ACCEPT, "chat",
                "permessage-deflate; server_no_context_takeover", extra)));
    }

    @Test
    void refusesExtraHeadersThatWouldBreakTheHandshake() {
        for (String name : new String[] {"connection", "Sec-WebSocket-Accept", "Content-Length", "UPGRADE",
                "Transfer-Encoding", "Sec-WebSocket-Protocol", "sec-websocket-extensions"}) {
            HeaderFields extra = fields("X-Ok", "1", name, "forged");
            assertThrows(IllegalArgumentException.class,
                    () -> HttpResponses.switchingProtocols(ACCEPT, null, null, extra), name);
            assertThrows(IllegalArgumentException.class,
                    () -> HttpResponses.switchingProtocolsLength(null, null, extra), name);
            assertThrows(IllegalArgumentException.class,
                    () -> HeaderFields.EMPTY.with(name, "forged", HeaderFields.Reserved.HANDSHAKE), name);
        }
        // what the 101 computes may be sent with a plain response, but for the framing headers
        assertEquals(fields("Upgrade", "websocket"),
                HeaderFields.EMPTY.with("Upgrade", "websocket", HeaderFields.Reserved.FRAMING));
    }

    @Test
    void refusesHeaderInjection() {
        assertThrows(IllegalArgumentException.class,
                () -> HttpResponses.switchingProtocols(ACCEPT, null, null, fields("X", "a\r\nSet-Cookie: evil")));
        assertThrows(IllegalArgumentException.class,
                () -> HttpResponses.switchingProtocols(ACCEPT, null, null, fields("X", "a\nb")));
        assertThrows(IllegalArgumentException.class,
                () -> HttpResponses.switchingProtocols(ACCEPT, null, null, fields("X\r\nEvil", "a")));
        assertThrows(IllegalArgumentException.class,
                () -> HttpResponses.switchingProtocols(ACCEPT, "chat\r\nEvil: 1", null, null));
        assertThrows(IllegalArgumentException.class,
                () -> HttpResponses.switchingProtocols(ACCEPT, null, "x\rY", null));
        assertThrows(IllegalArgumentException.class,
                () -> HttpResponses.response(403, fields("Location", "/a\r\n\r\n<html>"), new byte[0]));
        assertThrows(IllegalArgumentException.class,
                () -> HttpResponses.response(403, fields("Bad Name", "v"), new byte[0]));
        assertThrows(IllegalArgumentException.class,
                () -> HttpResponses.response(403, fields("X", "nul\u0000"), new byte[0]));
        assertThrows(IllegalArgumentException.class,
                () -> HttpResponses.response(403, fields("X", "\u20ac"), new byte[0]));
    }

    @Test
    void writesACompleteResponseWithLengthAndClose() {
        ByteBuffer out = HttpResponses.response(400, fields("Content-Type", "text/plain; charset=utf-8"),
                "bad key\n".getBytes(StandardCharsets.UTF_8));
        assertEquals(0, out.position());
        assertEquals("HTTP/1.1 400 Bad Request\r\n"
                + "Content-Type: text/plain; charset=utf-8\r\n"
                + "Content-Length: 8\r\n"
                + "Connection: close\r\n"
                + "\r\n"
                + "bad key\n", text(out));
    }

    @Test
    void writes426WithTheVersionHeader() {
        assertEquals("HTTP/1.1 426 Upgrade Required\r\nSec-WebSocket-Version: 13\r\nContent-Length: 0\r\n"
                + "Connection: close\r\n\r\n",
                text(HttpResponses.response(426, fields("Sec-WebSocket-Version", "13"), null)));
    }

    @Test
    void computesFramingHeadersItselfAndRefusesTheCallers() {
        assertEquals("HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok",
                text(HttpResponses.response(200, null, "ok".getBytes(StandardCharsets.US_ASCII))));
        for (String name : new String[] {"Content-Length", "connection", "TRANSFER-ENCODING"}) {
            assertThrows(IllegalArgumentException.class,
                    () -> HttpResponses.response(200, fields(name, "1"), new byte[0]), name);
            assertThrows(IllegalArgumentException.class,
                    () -> HeaderFields.EMPTY.with(name, "1", HeaderFields.Reserved.FRAMING), name);
        }
    }

    @Test
    void writesRepeatedHeadersInTheOrderGiven() {
        HeaderFields headers = fields("Set-Cookie", "a=1", "Cache-Control", "no-store", "Set-Cookie", "b=2");
        assertEquals("HTTP/1.1 200 OK\r\nSet-Cookie: a=1\r\nCache-Control: no-store\r\nSet-Cookie: b=2\r\n"
                + "Content-Length: 0\r\nConnection: close\r\n\r\n", text(HttpResponses.response(200, headers, null)));
    }

    @Test
    void writesNoContentLengthFor204() {
        assertEquals("HTTP/1.1 204 No Content\r\nConnection: close\r\n\r\n",
                text(HttpResponses.response(204, HeaderFields.EMPTY, new byte[0])));
        assertThrows(IllegalArgumentException.class, () -> HttpResponses.response(204, HeaderFields.EMPTY, new byte[1]));
    }

    @Test
    void refusesStatusesOutsideFinalResponses() {
        assertThrows(IllegalArgumentException.class, () -> HttpResponses.response(101, HeaderFields.EMPTY, null));
        assertThrows(IllegalArgumentException.class, () -> HttpResponses.response(199, HeaderFields.EMPTY, null));
        assertThrows(IllegalArgumentException.class, () -> HttpResponses.response(600, HeaderFields.EMPTY, null));
    }

    @ParameterizedTest
    @CsvSource({
        "200, OK",
        "204, No Content",
        "400, Bad Request",
        "401, Unauthorized",
        "403, Forbidden",
        "404, Not Found",
        "405, Method Not Allowed",
        "413, Payload Too Large",
        "426, Upgrade Required",
        "429, Too Many Requests",
        "431, Request Header Fields Too Large",
        "500, Internal Server Error",
        "503, Service Unavailable",
    })
    void usesTheStandardReasonPhrase(int status, String phrase) {
        String response = text(HttpResponses.response(status, null, null));
        assertTrue(response.startsWith("HTTP/1.1 " + status + " " + phrase + "\r\n"), response);
    }

    @Test
    void leavesTheReasonPhraseEmptyForUnknownCodes() {
        assertTrue(text(HttpResponses.response(599, null, null)).startsWith("HTTP/1.1 599 \r\n"));
    }

    @Test
    void answersARejectedHandshakeWithItsStatusAndReason() {
        assertEquals("HTTP/1.1 426 Upgrade Required\r\n"
                + "Content-Type: text/plain; charset=utf-8\r\n"
                + "Sec-WebSocket-Version: 13\r\n"
                + "Upgrade: websocket\r\n" // RFC 7231 6.5.15: every 426 names the protocol to upgrade to
                + "Content-Length: 37\r\n"
                + "Connection: close\r\n"
                + "\r\n"
                + "missing Sec-WebSocket-Version header\n",
                text(HttpResponses.handshakeRejection(Handshake.check(Requests.parse(
                        Requests.rfcExampleWith("Sec-WebSocket-Version: 13", ""))))));
        String bad = text(HttpResponses.handshakeRejection(new HandshakeCheck(HandshakeCheck.Kind.REJECT, 400,
                "Sec-WebSocket-Key is not the base64 encoding of 16 bytes", null)));
        assertTrue(bad.startsWith("HTTP/1.1 400 Bad Request\r\n"), bad);
        assertTrue(!bad.contains("Sec-WebSocket-Version"), bad);
        assertTrue(bad.endsWith("\r\n\r\nSec-WebSocket-Key is not the base64 encoding of 16 bytes\n"), bad);
        assertThrows(IllegalArgumentException.class, () -> HttpResponses.handshakeRejection(
                new HandshakeCheck(HandshakeCheck.Kind.UPGRADE, 0, null, "k")));
    }

    @Test
    void answersAParserErrorWithATextBody() {
        assertEquals("HTTP/1.1 431 Request Header Fields Too Large\r\n"
                + "Content-Type: text/plain; charset=utf-8\r\n"
                + "Content-Length: 21\r\n"
                + "Connection: close\r\n"
                + "\r\n"
                + "more than 100 header\n",
                text(HttpResponses.textError(431, "more than 100 header")));
        assertThrows(IllegalArgumentException.class, () -> HttpResponses.textError(200, "fine"));
    }

    /** Fields from name, value, name, value... checked as names and values only. */
    private static HeaderFields fields(String... namesAndValues) {
        HeaderFields fields = HeaderFields.EMPTY;
        for (int i = 0; i < namesAndValues.length; i += 2) {
            fields = fields.with(namesAndValues[i], namesAndValues[i + 1], null);
        }
        return fields;
    }

    private static String text(ByteBuffer buffer) {
        byte[] bytes = new byte[buffer.remaining()];
        buffer.duplicate().get(bytes);
        return new String(bytes, StandardCharsets.ISO_8859_1);
    }

    @Test
    void writesThe101IntoACallersArrayWithTheKeyReadFromTheRequest() {
        HandshakeScratch scratch = new HandshakeScratch();
        HeaderMap request = Requests.parse(Requests.RFC_EXAMPLE).headers();
        HeaderFields extra = fields("Set-Cookie", "a=b", "Set-Cookie", "c=d");
        for (String subprotocol : new String[] {null, "chat"}) {
            ByteBuffer expected = HttpResponses.switchingProtocols(ACCEPT, subprotocol, "x", extra);
            int length = HttpResponses.switchingProtocolsLength(subprotocol, "x", extra);
            assertEquals(expected.remaining(), length);
            byte[] out = new byte[length + 10];
            out[4] = 7;
            out[length + 5] = 9;
            HttpResponses.writeSwitchingProtocols(scratch, request, subprotocol, "x", extra, out, 5, length);
            assertEquals(7, out[4], "nothing written before the offset");
            assertEquals(9, out[length + 5], "nothing written after the length");
            assertEquals(text(expected), new String(out, 5, length, StandardCharsets.ISO_8859_1));
        }
    }

    @Test
    void refusesToWriteA101OfAnotherLengthThanAnnounced() {
        HandshakeScratch scratch = new HandshakeScratch();
        HeaderMap request = Requests.parse(Requests.RFC_EXAMPLE).headers();
        int length = HttpResponses.switchingProtocolsLength(null, null, fields("A", "b"));
        byte[] out = new byte[length * 2];
        assertThrows(IllegalArgumentException.class, () -> HttpResponses.writeSwitchingProtocols(scratch, request, null,
                null, fields("A", "bb"), out, 0, length));
        assertThrows(IllegalArgumentException.class, () -> HttpResponses.writeSwitchingProtocols(scratch, request, null,
                null, HeaderFields.EMPTY, out, 0, length));
        for (int shortBy = 1; shortBy <= 12; shortBy++) { // too short: refused, nothing written past the end
            int announced = HttpResponses.switchingProtocolsLength("chat", "x", null) - shortBy;
            byte[] guarded = new byte[announced + 20];
            java.util.Arrays.fill(guarded, (byte) 0x55);
            assertThrows(IllegalArgumentException.class, () -> HttpResponses.writeSwitchingProtocols(scratch, request,
                    "chat", "x", null, guarded, 3, announced));
            for (int i = 3 + announced; i < guarded.length; i++) {
                assertEquals(0x55, guarded[i], "byte " + i + " past the announced length, short by " + shortBy);
            }
        }
        assertThrows(IndexOutOfBoundsException.class, () -> HttpResponses.writeSwitchingProtocols(scratch, request,
                null, null, null, new byte[length], 1, length));
        HeaderMap noKey = Requests.parse("GET / HTTP/1.1\r\nHost: h\r\n\r\n").headers();
        assertThrows(IllegalArgumentException.class, () -> HttpResponses.writeSwitchingProtocols(scratch, noKey, null,
                null, null, out, 0, HttpResponses.switchingProtocolsLength(null, null, null)));
    }
}
