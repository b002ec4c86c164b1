package dev.selkie.protocol;

import java.util.List;

/** The server side of the RFC 6455 opening handshake (section 4.2). */
public final class Handshake {
    /** The GUID of RFC 6455 section 1.3. */
    public static final String GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";

    private Handshake() {
    }

    /** base64(SHA-1(key + GUID)). */
    public static String acceptKey(String secWebSocketKey) {
        throw new UnsupportedOperationException("skeleton");
    }

    /**
     * Validates an upgrade request per RFC 6455 section 4.2.1: GET, HTTP/1.1 or later, Host,
     * Upgrade contains token websocket, Connection contains token Upgrade, Sec-WebSocket-Key is
     * base64 of 16 bytes (400 otherwise), Sec-WebSocket-Version 13 (426 otherwise). A request
     * without the {@code websocket} token in {@code Upgrade} is {@link HandshakeCheck.Kind#NOT_UPGRADE}.
     */
    public static HandshakeCheck check(RequestHead head) {
        throw new UnsupportedOperationException("skeleton");
    }

    /** The subprotocols offered in every {@code Sec-WebSocket-Protocol} field, in order. */
    public static List<String> offeredSubprotocols(RequestHead head) {
        throw new UnsupportedOperationException("skeleton");
    }

    /**
     * The first of {@code supported} (server preference order) that the client offered
     * (case-sensitive, as subprotocol names are), or null.
     */
    public static String selectSubprotocol(List<String> supported, List<String> offered) {
        throw new UnsupportedOperationException("skeleton");
    }
}
