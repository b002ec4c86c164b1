package dev.selkie.protocol;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.Random;
import org.junit.jupiter.api.Test;

class HandshakeScratchTest {
    @Test
    void computesTheRfcExampleAcceptKey() {
        assertEquals("s3pPLMBiTxaQ9kYGzzhZRbK+xOo=", new HandshakeScratch().acceptKey("dGhlIHNhbXBsZSBub25jZQ=="));
        assertEquals("s3pPLMBiTxaQ9kYGzzhZRbK+xOo=", Handshake.acceptKey("dGhlIHNhbXBsZSBub25jZQ=="));
    }

    @Test
    void oneScratchGivesTheReferenceResultForKeyAfterKey() throws Exception {
        HandshakeScratch scratch = new HandshakeScratch();
        Random random = new Random(6455);
        MessageDigest sha1 = MessageDigest.getInstance("SHA-1");
        for (int i = 0; i < 500; i++) {
            byte[] nonce = new byte[16];
            random.nextBytes(nonce);
            String key = Base64.getEncoder().encodeToString(nonce);
            String expected = Base64.getEncoder().encodeToString(
                    sha1.digest((key + Handshake.GUID).getBytes(StandardCharsets.ISO_8859_1)));
            assertEquals(expected, scratch.acceptKey(key), key);
        }
    }

    @Test
    void handlesKeysLongerThanItsBuffer() throws Exception {
        String key = "k".repeat(100);
        String expected = Base64.getEncoder().encodeToString(MessageDigest.getInstance("SHA-1")
                .digest((key + Handshake.GUID).getBytes(StandardCharsets.ISO_8859_1)));
        assertEquals(expected, new HandshakeScratch().acceptKey(key));
    }

    @Test
    void writesTheSame101AsTheAcceptKeyVariant() {
        HandshakeScratch scratch = new HandshakeScratch();
        HeaderFields extra = HeaderFields.EMPTY.with("Set-Cookie", "session=abc; HttpOnly", null)
                .with("Set-Cookie", "theme=dark", null).with("X-Server", "selkie", null);
        String key = "dGhlIHNhbXBsZSBub25jZQ==";
        String accept = Handshake.acceptKey(key);
        assertSameBytes(HttpResponses.switchingProtocols(accept, null, null, null),
                HttpResponses.switchingProtocols(scratch, key, null, null, null));
        assertSameBytes(HttpResponses.switchingProtocols(accept, "chat", "permessage-deflate", extra),
                HttpResponses.switchingProtocols(scratch, key, "chat", "permessage-deflate", extra));
        assertSameBytes(HttpResponses.switchingProtocols(accept, null, null, HeaderFields.EMPTY),
                HttpResponses.switchingProtocols(scratch, key, null, null, HeaderFields.EMPTY));
    }

    @Test
    void refusesHeaderInjectionAndMissingArguments() {
        HandshakeScratch scratch = new HandshakeScratch();
        String key = "dGhlIHNhbXBsZSBub25jZQ==";
        assertThrows(IllegalArgumentException.class,
                () -> HttpResponses.switchingProtocols(scratch, key, null, null, HeaderFields.EMPTY.with("X", "a\r\nSet-Cookie: evil", null)));
        assertThrows(IllegalArgumentException.class,
                () -> HttpResponses.switchingProtocols(scratch, key, null, null, HeaderFields.EMPTY.with("X\nY", "a", null)));
        assertThrows(IllegalArgumentException.class,
                () -> HttpResponses.switchingProtocols(scratch, key, "chat\r\nEvil: 1", null, null));
        assertThrows(IllegalArgumentException.class,
                () -> HttpResponses.switchingProtocols(scratch, key, null, "x\u20acY", null));
        assertThrows(IllegalArgumentException.class,
                () -> HttpResponses.switchingProtocols("forged\r\nX: 1", null, null, null));
        assertThrows(IllegalArgumentException.class, () -> HttpResponses.switchingProtocols(null, null, null, null));
        assertThrows(NullPointerException.class, () -> HttpResponses.switchingProtocols(scratch, null, null, null,
                null));
        assertThrows(NullPointerException.class,
                () -> HttpResponses.switchingProtocols((HandshakeScratch) null, key, null, null, null));
    }

    private static void assertSameBytes(ByteBuffer expected, ByteBuffer actual) {
        byte[] a = new byte[expected.remaining()];
        expected.get(a);
        byte[] b = new byte[actual.remaining()];
        actual.get(b);
        assertArrayEquals(a, b, () -> new String(b, StandardCharsets.ISO_8859_1));
    }
}
