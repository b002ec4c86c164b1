package dev.selkie.protocol;

import static dev.selkie.protocol.Requests.RFC_EXAMPLE;
import static dev.selkie.protocol.Requests.rfcExampleWith;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.selkie.protocol.HandshakeCheck.Kind;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class HandshakeTest {
    private static final String KEY_LINE = "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==";
    private static final String VERSION_LINE = "Sec-WebSocket-Version: 13";

    @Test
    void computesTheAcceptKeyOfTheRfcExample() {
        assertEquals("s3pPLMBiTxaQ9kYGzzhZRbK+xOo=", Handshake.acceptKey("dGhlIHNhbXBsZSBub25jZQ=="));
    }

    @Test
    void acceptsTheRfcExample() {
        HandshakeCheck check = check(RFC_EXAMPLE);
        assertEquals(new HandshakeCheck(Kind.UPGRADE, 0, null, "dGhlIHNhbXBsZSBub25jZQ=="), check);
    }

    @Test
    void treatsARequestWithoutAnyWebSocketHeaderAsPlainHttp() {
        assertEquals(Kind.NOT_UPGRADE, check("GET /index.html HTTP/1.1\r\nHost: h\r\n\r\n").kind());
        assertEquals(Kind.NOT_UPGRADE, check("GET /x HTTP/1.1\r\nHost: h\r\nUpgrade: h2c\r\nConnection: Upgrade\r\n\r\n")
                .kind());
        assertEquals(Kind.NOT_UPGRADE, check("POST /form HTTP/1.0\r\n\r\n").kind());
    }

    /** RFC 6455 4.2.1: a request with the WebSocket headers but without Upgrade: websocket is a bad upgrade. */
    @Test
    void answersAnAttemptedUpgradeWithoutTheWebsocketToken400() {
        for (String upgrade : new String[] {"", "Upgrade: h2c", "Upgrade: websocketx"}) {
            HandshakeCheck check = check(rfcExampleWith("Upgrade: websocket", upgrade));
            assertEquals(Kind.REJECT, check.kind(), upgrade);
            assertEquals(400, check.status(), upgrade);
        }
        String onlyTheVersion = "GET /chat HTTP/1.1\r\nHost: h\r\nSec-WebSocket-Version: 13\r\n\r\n";
        assertEquals(400, check(onlyTheVersion).status());
        String wrongVersion = "GET /chat HTTP/1.1\r\nHost: h\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 8\r\n\r\n";
        assertEquals(426, check(wrongVersion).status());
    }

    @Test
    void matchesTheUpgradeTokenCaseInsensitivelyInAList() {
        assertEquals(Kind.UPGRADE, check(rfcExampleWith("Upgrade: websocket", "Upgrade: WebSocket")).kind());
        assertEquals(Kind.UPGRADE, check(rfcExampleWith("Upgrade: websocket", "Upgrade: h2c, websocket")).kind());
    }

    @Test
    void requiresGet() {
        assertReject(400, RFC_EXAMPLE.replace("GET /chat", "POST /chat"));
        assertReject(400, RFC_EXAMPLE.replace("GET /chat", "get /chat"));
    }

    @Test
    void requiresHttp11OrLater() {
        assertReject(400, RFC_EXAMPLE.replace("HTTP/1.1", "HTTP/1.0"));
        assertReject(400, RFC_EXAMPLE.replace("HTTP/1.1", "HTTP/0.9"));
        assertEquals(Kind.UPGRADE, check(RFC_EXAMPLE.replace("HTTP/1.1", "HTTP/1.2")).kind());
        assertEquals(Kind.UPGRADE, check(RFC_EXAMPLE.replace("HTTP/1.1", "HTTP/2.0")).kind());
    }

    @Test
    void requiresExactlyOneHost() {
        assertEquals("missing Host header", assertReject(400, rfcExampleWith("Host: server.example.com", "")));
        assertEquals("more than one Host header", assertReject(400,
                rfcExampleWith("Host: server.example.com", "Host: a\r\nHost: b")));
    }

    @Test
    void requiresTheUpgradeTokenInConnection() {
        assertReject(400, rfcExampleWith("Connection: Upgrade", ""));
        assertReject(400, rfcExampleWith("Connection: Upgrade", "Connection: keep-alive"));
        assertReject(400, rfcExampleWith("Connection: Upgrade", "Connection: Upgraded"));
        assertEquals(Kind.UPGRADE, check(rfcExampleWith("Connection: Upgrade", "Connection: keep-alive, Upgrade")).kind());
        assertEquals(Kind.UPGRADE, check(rfcExampleWith("Connection: Upgrade", "Connection: upgrade")).kind());
        assertEquals(Kind.UPGRADE, check(rfcExampleWith("Connection: Upgrade",
                "Connection: keep-alive\r\nConnection: UPGRADE")).kind());
    }

    @Test
    void acceptsAnyValidKey() {
        byte[] nonce = new byte[16];
        for (int i = 0; i < nonce.length; i++) {
            nonce[i] = (byte) (i * 37 + 251);
        }
        String key = Base64.getEncoder().encodeToString(nonce);
        HandshakeCheck check = check(rfcExampleWith(KEY_LINE, "Sec-WebSocket-Key:   " + key + "  "));
        assertEquals(Kind.UPGRADE, check.kind());
        assertEquals(key, check.key());
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "dGhlIHNhbXBsZSBub25jZQ",        // padding missing
        "dGhlIHNhbXBsZSBub25jZQ=",       // half the padding
        "dGhlIHNhbXBsZSBub25jZQ===",     // too much padding
        "dGhlIHNhbXBsZSBub25jZ*==",      // outside the alphabet
        "dGhlIHNhbXBsZSBub25jZ-==",      // URL-safe alphabet
        "dGhlIHNhbXBsZSBub25jZQA=",      // 17 bytes
        "dGhlIHNhbXBsZSBub25jZQAA",      // 18 bytes
        "dGhlIHNhbXBsZSBub25j",          // 15 bytes
        "dGhlIHNhbXBsZSBub25jZSBmb3IgdA==", // 22 bytes
        "dGhlIHNhbXBs ZSBub25jZQ==",     // space inside
        "",                               // empty
    })
    void rejectsKeysThatAreNotBase64Of16Bytes(String key) {
        assertEquals("Sec-WebSocket-Key is not the base64 encoding of 16 bytes",
                assertReject(400, rfcExampleWith(KEY_LINE, "Sec-WebSocket-Key: " + key)));
    }

    @Test
    void requiresExactlyOneKey() {
        assertEquals("missing Sec-WebSocket-Key header", assertReject(400, rfcExampleWith(KEY_LINE, "")));
        assertEquals("more than one Sec-WebSocket-Key header",
                assertReject(400, rfcExampleWith(KEY_LINE, KEY_LINE + "\r\n" + KEY_LINE)));
    }

    @Test
    void answers426UnlessTheVersionIsExactly13() {
        assertEquals("missing Sec-WebSocket-Version header", assertReject(426, rfcExampleWith(VERSION_LINE, "")));
        assertReject(426, rfcExampleWith(VERSION_LINE, "Sec-WebSocket-Version: 8"));
        assertReject(426, rfcExampleWith(VERSION_LINE, "Sec-WebSocket-Version: 13, 8"));
        assertReject(426, rfcExampleWith(VERSION_LINE, "Sec-WebSocket-Version: 013"));
        assertReject(426, rfcExampleWith(VERSION_LINE, "Sec-WebSocket-Version: 14"));
        assertReject(426, rfcExampleWith(VERSION_LINE, VERSION_LINE + "\r\n" + VERSION_LINE));
        assertEquals(Kind.UPGRADE, check(rfcExampleWith(VERSION_LINE, "Sec-WebSocket-Version:13 ")).kind());
    }

    @Test
    void answersTheVersionBeforeJudgingTheKeyOfAnotherProtocolVersion() {
        String hixie = rfcExampleWith(KEY_LINE, "Sec-WebSocket-Key1: 4 @1  46546xW%0l 1 5");
        assertReject(426, rfcExampleWith(VERSION_LINE, "").replace(KEY_LINE, "Sec-WebSocket-Key1: 4 @1  46546xW%0l 1 5"));
        assertReject(400, hixie);
    }

    @Test
    void listsOfferedSubprotocolsFromEveryField() {
        RequestHead head = Requests.parse(rfcExampleWith("Sec-WebSocket-Protocol: chat, superchat",
                "Sec-WebSocket-Protocol: chat, superchat\r\nsec-websocket-protocol:  ,v2.chat ,"));
        assertEquals(List.of("chat", "superchat", "v2.chat"), Handshake.offeredSubprotocols(head));
        RequestHead none = Requests.parse(rfcExampleWith("Sec-WebSocket-Protocol: chat, superchat", ""));
        assertEquals(List.of(), Handshake.offeredSubprotocols(none));
    }

    @Test
    void selectsTheServersFirstPreferenceThatWasOffered() {
        List<String> offered = List.of("chat", "superchat");
        assertEquals("superchat", Handshake.selectSubprotocol(List.of("v3", "superchat", "chat"), offered));
        assertEquals("chat", Handshake.selectSubprotocol(List.of("chat", "superchat"), offered));
        assertNull(Handshake.selectSubprotocol(List.of("mqtt"), offered));
        assertNull(Handshake.selectSubprotocol(List.of("Chat"), offered), "names are case-sensitive");
        assertNull(Handshake.selectSubprotocol(List.of(), offered));
        assertNull(Handshake.selectSubprotocol(List.of("chat"), List.of()));
    }

    private static HandshakeCheck check(String request) {
        return Handshake.check(Requests.parse(request));
    }

    private static String assertReject(int status, String request) {
        HandshakeCheck check = check(request);
        assertEquals(Kind.REJECT, check.kind(), () -> "not rejected: " + check);
        assertEquals(status, check.status());
        assertNull(check.key());
        assertTrue(check.reason() != null && !check.reason().isBlank());
        return check.reason();
    }
}
