package dev.selkie.protocol;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.List;
import java.util.Objects;

/** The server side of the RFC 6455 opening handshake (section 4.2). */
public final class Handshake {
    /** The GUID of RFC 6455 section 1.3. */
    public static final String GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";
    /** The only protocol version this server speaks (RFC 6455 section 4.1). */
    public static final String VERSION = "13";

    private static final int KEY_LENGTH = 24;

    private Handshake() {
    }

    /** base64(SHA-1(key + GUID)). */
    public static String acceptKey(String secWebSocketKey) {
        MessageDigest sha1;
        try {
            sha1 = MessageDigest.getInstance("SHA-1");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform must provide SHA-1", e);
        }
        byte[] digest = sha1.digest((secWebSocketKey + GUID).getBytes(StandardCharsets.ISO_8859_1));
        return Base64.getEncoder().encodeToString(digest);
    }

    /**
     * Validates an upgrade request per RFC 6455 section 4.2.1: GET, HTTP/1.1 or later, Host,
     * Upgrade contains token websocket, Connection contains token Upgrade, Sec-WebSocket-Key is
     * base64 of 16 bytes (400 otherwise), Sec-WebSocket-Version 13 (426 otherwise). A request
     * without the {@code websocket} token in {@code Upgrade} is {@link HandshakeCheck.Kind#NOT_UPGRADE}.
     *
     * <p>Order of the checks: method, HTTP version, exactly one {@code Host}, {@code Connection},
     * then {@code Sec-WebSocket-Version} (exactly one field whose value is exactly {@code 13}), then
     * {@code Sec-WebSocket-Key} (exactly one field: 24 characters of the base64 alphabet ending in
     * {@code ==}). The version comes before the key because a client of another protocol version may
     * form its key differently; telling it the version this server speaks is the useful answer.
     */
    public static HandshakeCheck check(RequestHead head) {
        HeaderMap headers = head.headers();
        if (!headers.hasToken("upgrade", "websocket")) {
            return new HandshakeCheck(HandshakeCheck.Kind.NOT_UPGRADE, 0, null, null);
        }
        if (!"GET".equals(head.method())) {
            return reject(400, "WebSocket upgrade requires method GET, got " + head.method());
        }
        if (head.versionMajor() < 1 || (head.versionMajor() == 1 && head.versionMinor() < 1)) {
            return reject(400, "WebSocket upgrade requires HTTP/1.1 or later");
        }
        int hosts = headers.all("host").size();
        if (hosts != 1) {
            return reject(400, hosts == 0 ? "missing Host header" : "more than one Host header");
        }
        if (!headers.hasToken("connection", "upgrade")) {
            return reject(400, "Connection header does not contain Upgrade");
        }
        List<String> versions = headers.all("sec-websocket-version");
        if (versions.size() != 1 || !VERSION.equals(versions.get(0))) {
            return reject(426, versions.isEmpty() ? "missing Sec-WebSocket-Version header"
                    : "unsupported Sec-WebSocket-Version, only 13 is supported");
        }
        List<String> keys = headers.all("sec-websocket-key");
        if (keys.size() != 1) {
            return reject(400, keys.isEmpty() ? "missing Sec-WebSocket-Key header"
                    : "more than one Sec-WebSocket-Key header");
        }
        String key = keys.get(0);
        if (!isValidKey(key)) {
            return reject(400, "Sec-WebSocket-Key is not the base64 encoding of 16 bytes");
        }
        return new HandshakeCheck(HandshakeCheck.Kind.UPGRADE, 0, null, key);
    }

    /** The subprotocols offered in every {@code Sec-WebSocket-Protocol} field, in order. */
    public static List<String> offeredSubprotocols(RequestHead head) {
        return head.headers().tokens("sec-websocket-protocol");
    }

    /**
     * The first of {@code supported} (server preference order) that the client offered
     * (case-sensitive, as subprotocol names are), or null.
     */
    public static String selectSubprotocol(List<String> supported, List<String> offered) {
        Objects.requireNonNull(offered, "offered");
        for (String candidate : supported) {
            if (offered.contains(candidate)) {
                return candidate;
            }
        }
        return null;
    }

    /** Whether {@code key} is 24 base64 characters with {@code ==} padding, i.e. encodes 16 bytes. */
    static boolean isValidKey(String key) {
        if (key.length() != KEY_LENGTH || key.charAt(KEY_LENGTH - 2) != '=' || key.charAt(KEY_LENGTH - 1) != '=') {
            return false;
        }
        for (int i = 0; i < KEY_LENGTH - 2; i++) {
            if (!isBase64Char(key.charAt(i))) {
                return false;
            }
        }
        return true;
    }

    private static boolean isBase64Char(char c) {
        return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '+' || c == '/';
    }

    private static HandshakeCheck reject(int status, String reason) {
        return new HandshakeCheck(HandshakeCheck.Kind.REJECT, status, reason, null);
    }
}
