package dev.selkie.protocol;

import java.nio.charset.StandardCharsets;
import java.security.DigestException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * Reusable working memory for computing {@code Sec-WebSocket-Accept}: one SHA-1 digest and its
 * byte arrays, so that a handshake allocates nothing for it. Not thread-safe: the owner keeps one
 * per thread that runs handshakes (the server keeps one per event loop) and passes it in, e.g. to
 * {@link HttpResponses#switchingProtocols(HandshakeScratch, String, String, String, java.util.Map)}.
 */
public final class HandshakeScratch {
    private static final byte[] GUID = Handshake.GUID.getBytes(StandardCharsets.US_ASCII);
    private static final byte[] BASE64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
            .getBytes(StandardCharsets.US_ASCII);
    /** Length of the accept key: base64 of the 20-byte SHA-1 digest. */
    static final int ACCEPT_LENGTH = 28;
    private static final int DIGEST_LENGTH = 20;

    private final MessageDigest sha1;
    private final byte[] keyBytes = new byte[64];
    private final byte[] digest = new byte[DIGEST_LENGTH];

    /** Creates the digest once. */
    public HandshakeScratch() {
        try {
            sha1 = MessageDigest.getInstance("SHA-1");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform must provide SHA-1", e);
        }
    }

    /** The array a key is checked in ({@link Handshake#check(RequestHead, HandshakeScratch)}). */
    byte[] keyBuffer() {
        return keyBytes;
    }

    /**
     * Writes the accept key for the request's (checked) {@code Sec-WebSocket-Key} as 28 ASCII bytes
     * into {@code out} at {@code offset}, reading the key's bytes from the headers.
     */
    void acceptKey(HeaderMap requestHeaders, byte[] out, int offset) {
        int n = requestHeaders.copyFirst("sec-websocket-key", keyBytes);
        if (n < 0 || n > keyBytes.length) {
            throw new IllegalArgumentException("no valid Sec-WebSocket-Key in the request");
        }
        digest(keyBytes, n, out, offset);
    }

    /** {@link Handshake#acceptKey(String)} as a String. */
    public String acceptKey(String secWebSocketKey) {
        byte[] out = new byte[ACCEPT_LENGTH];
        acceptKey(secWebSocketKey, out, 0);
        return new String(out, StandardCharsets.ISO_8859_1);
    }

    /**
     * Writes base64(SHA-1(key + GUID)) as 28 ASCII bytes into {@code out} at {@code offset}.
     *
     * @param secWebSocketKey the key as received; its characters are taken as Latin-1 bytes
     */
    void acceptKey(String secWebSocketKey, byte[] out, int offset) {
        int n = secWebSocketKey.length();
        byte[] bytes = n <= keyBytes.length ? keyBytes : new byte[n];
        for (int i = 0; i < n; i++) {
            bytes[i] = (byte) secWebSocketKey.charAt(i);
        }
        digest(bytes, n, out, offset);
    }

    private void digest(byte[] bytes, int n, byte[] out, int offset) {
        sha1.reset();
        sha1.update(bytes, 0, n);
        sha1.update(GUID);
        try {
            sha1.digest(digest, 0, DIGEST_LENGTH);
        } catch (DigestException e) {
            throw new IllegalStateException("SHA-1 digest is 20 bytes", e);
        }
        base64(digest, out, offset);
    }

    /** Standard base64 with padding of the 20 digest bytes: 6 full groups and one of two bytes. */
    private static void base64(byte[] in, byte[] out, int offset) {
        int o = offset;
        int i = 0;
        for (; i + 3 <= in.length; i += 3) {
            int v = (in[i] & 0xFF) << 16 | (in[i + 1] & 0xFF) << 8 | (in[i + 2] & 0xFF);
            out[o++] = BASE64[v >>> 18];
            out[o++] = BASE64[(v >>> 12) & 0x3F];
            out[o++] = BASE64[(v >>> 6) & 0x3F];
            out[o++] = BASE64[v & 0x3F];
        }
        int v = (in[i] & 0xFF) << 16 | (in[i + 1] & 0xFF) << 8;
        out[o++] = BASE64[v >>> 18];
        out[o++] = BASE64[(v >>> 12) & 0x3F];
        out[o++] = BASE64[(v >>> 6) & 0x3F];
        out[o] = '=';
    }
}
