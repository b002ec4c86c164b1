package dev.selkie.protocol;

import java.util.List;
import java.util.Objects;

/** The server side of the RFC 6455 opening handshake (section 4.2). */
public final class Handshake {
    /** The GUID of RFC 6455 section 1.3. */
    public static final String GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";
    /** The only protocol version this server speaks (RFC 6455 section 4.1). */
    public static final String VERSION = "13";

    private static final int KEY_LENGTH = 24;
    private static final String KEY = "sec-websocket-key";

    private Handshake() {
    }

    /**
     * base64(SHA-1(key + GUID)). Creates a SHA-1 digest per call; a caller that runs many
     * handshakes on one thread keeps a {@link HandshakeScratch} and uses {@link
     * HandshakeScratch#acceptKey(String)} or {@link HttpResponses#switchingProtocols(HandshakeScratch,
     * String, String, String, java.util.Map)} instead.
     */
    public static String acceptKey(String secWebSocketKey) {
        return new HandshakeScratch().acceptKey(secWebSocketKey);
    }

    /**
     * Validates an upgrade request per RFC 6455 section 4.2.1: GET, HTTP/1.1 or later, Host,
     * Upgrade contains token websocket, Connection contains token Upgrade, Sec-WebSocket-Key is
     * base64 of 16 bytes (400 otherwise), Sec-WebSocket-Version 13 (426 otherwise). A request is an
     * attempted upgrade if it has the {@code websocket} token in {@code Upgrade} or carries {@code
     * Sec-WebSocket-Key} or {@code Sec-WebSocket-Version}; any other request is {@link
     * HandshakeCheck.Kind#NOT_UPGRADE}, for the HTTP handler.
     *
     * <p>Order of the checks: method, HTTP version, exactly one {@code Host}, {@code Upgrade}, {@code Connection},
     * then {@code Sec-WebSocket-Version} (exactly one field whose value is exactly {@code 13}), then
     * {@code Sec-WebSocket-Key} (exactly one field: 24 characters of the base64 alphabet ending in
     * {@code ==}). The version comes before the key because a client of another protocol version may
     * form its key differently; telling it the version this server speaks is the useful answer.
     */
    public static HandshakeCheck check(RequestHead head) {
        HandshakeCheck check = check(head, new byte[KEY_LENGTH]);
        return check == HandshakeCheck.UPGRADE_KEY_IN_REQUEST
                ? new HandshakeCheck(HandshakeCheck.Kind.UPGRADE, 0, null, head.headers().first(KEY))
                : check;
    }

    /**
     * {@link #check(RequestHead)} without allocating for a valid request: the key is checked in the
     * scratch's array, and an upgrade comes back with a null {@link HandshakeCheck#key()}, for
     * {@link HttpResponses#writeSwitchingProtocols} to read it from the request's headers again.
     */
    public static HandshakeCheck check(RequestHead head, HandshakeScratch scratch) {
        return check(head, scratch.keyBuffer());
    }

    private static HandshakeCheck check(RequestHead head, byte[] keyBuffer) {
        HeaderMap headers = head.headers();
        boolean upgrade = headers.hasToken("upgrade", "websocket");
        if (!upgrade && headers.count(KEY) == 0 && headers.count("sec-websocket-version") == 0) {
            return HandshakeCheck.NOT_UPGRADE;
        }
        if (!"GET".equals(head.method())) {
            return reject(400, "WebSocket upgrade requires method GET, got " + head.method());
        }
        if (head.versionMajor() < 1 || (head.versionMajor() == 1 && head.versionMinor() < 1)) {
            return reject(400, "WebSocket upgrade requires HTTP/1.1 or later");
        }
        int hosts = headers.count("host");
        if (hosts != 1) {
            return reject(400, hosts == 0 ? "missing Host header" : "more than one Host header");
        }
        if (!upgrade) {
            return reject(400, "WebSocket headers without Upgrade: websocket");
        }
        if (!headers.hasToken("connection", "upgrade")) {
            return reject(400, "Connection header does not contain Upgrade");
        }
        if (!headers.isSingleValue("sec-websocket-version", VERSION)) {
            return reject(426, headers.count("sec-websocket-version") == 0 ? "missing Sec-WebSocket-Version header"
                    : "unsupported Sec-WebSocket-Version, only 13 is supported");
        }
        int keys = headers.count(KEY);
        if (keys != 1) {
            return reject(400, keys == 0 ? "missing Sec-WebSocket-Key header"
                    : "more than one Sec-WebSocket-Key header");
        }
        if (!isValidKey(keyBuffer, headers.copyFirst(KEY, keyBuffer))) {
            return reject(400, "Sec-WebSocket-Key is not the base64 encoding of 16 bytes");
        }
        return HandshakeCheck.UPGRADE_KEY_IN_REQUEST;
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
        for (int i = 0; i < supported.size(); i++) { // indexed: no iterator per handshake
            String candidate = supported.get(i);
            if (offered.contains(candidate)) {
                return candidate;
            }
        }
        return null;
    }

    /**
     * Whether the {@code length} bytes of {@code key} are 24 base64 characters with {@code ==}
     * padding, i.e. encode 16 bytes ({@code length} longer than the array: not copied, too long).
     */
    static boolean isValidKey(byte[] key, int length) {
        if (length != KEY_LENGTH || key[KEY_LENGTH - 2] != '=' || key[KEY_LENGTH - 1] != '=') {
            return false;
        }
        for (int i = 0; i < KEY_LENGTH - 2; i++) {
            if (!isBase64Char((char) (key[i] & 0xFF))) {
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
