package dev.selkie.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/** Test helpers: request bytes and parsing them in one piece. */
final class Requests {
    /** The client handshake of RFC 6455 section 1.3. */
    static final String RFC_EXAMPLE = "GET /chat HTTP/1.1\r\n"
            + "Host: server.example.com\r\n"
            + "Upgrade: websocket\r\n"
            + "Connection: Upgrade\r\n"
            + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
            + "Origin: http://example.com\r\n"
            + "Sec-WebSocket-Protocol: chat, superchat\r\n"
            + "Sec-WebSocket-Version: 13\r\n"
            + "\r\n";

    /** A masked text frame "Hello" (RFC 6455 section 5.7) and a masked close frame with code 1000. */
    static final byte[] FRAMES = {
        (byte) 0x81, (byte) 0x85, 0x37, (byte) 0xfa, 0x21, 0x3d, 0x7f, (byte) 0x9f, 0x4d, 0x51, 0x58,
        (byte) 0x88, (byte) 0x82, 0x01, 0x02, 0x03, 0x04, 0x02, (byte) 0xea,
    };

    private Requests() {
    }

    static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    static byte[] concat(byte[] a, byte[] b) {
        byte[] out = new byte[a.length + b.length];
        System.arraycopy(a, 0, out, 0, a.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    /** Parses a complete head with the default limits; fails the test unless it is DONE. */
    static RequestHead parse(String head) {
        HttpRequestParser parser = new HttpRequestParser();
        ByteBuffer in = ByteBuffer.wrap(bytes(head));
        assertEquals(HttpRequestParser.Status.DONE, parser.feed(in), () -> "not DONE: " + head);
        assertEquals(0, in.remaining());
        return parser.head();
    }

    /** The RFC example with one header line replaced (or removed if {@code replacement} is empty). */
    static String rfcExampleWith(String line, String replacement) {
        String target = line + "\r\n";
        if (!RFC_EXAMPLE.contains(target)) {
            throw new IllegalArgumentException(line);
        }
        return RFC_EXAMPLE.replace(target, replacement.isEmpty() ? "" : replacement + "\r\n");
    }
}
