package dev.selkie.server;

import java.nio.charset.StandardCharsets;

/** What the first byte on a TLS port tells, and the answer a plain HTTP request gets there. */
final class TlsFirstBytes {
    /** A plaintext 400 saying to use TLS; the connection's FIN follows it. */
    static final byte[] PLAIN_HTTP_ANSWER = ("HTTP/1.1 400 Bad Request\r\n"
            + "Content-Type: text/plain; charset=utf-8\r\nContent-Length: 52\r\nConnection: close\r\n\r\n"
            + "This port speaks TLS: use https:// or wss:// here.\r\n").getBytes(StandardCharsets.US_ASCII);

    private TlsFirstBytes() {
    }

    /** A ClientHello starts with 0x16 (or 0x80 for an SSLv2-style one); an HTTP method with a letter. */
    static boolean plainHttp(byte first) {
        return first >= 'A' && first <= 'Z';
    }
}
