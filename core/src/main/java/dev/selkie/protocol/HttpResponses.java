package dev.selkie.protocol;

import java.nio.ByteBuffer;
import java.util.Map;

/** Encodes the HTTP responses a WebSocket server writes. */
public final class HttpResponses {
    private HttpResponses() {
    }

    /**
     * {@code HTTP/1.1 101 Switching Protocols} with {@code Upgrade: websocket}, {@code Connection:
     * Upgrade}, {@code Sec-WebSocket-Accept}, and, when non-null, {@code Sec-WebSocket-Protocol}
     * and {@code Sec-WebSocket-Extensions}, then {@code extraHeaders}.
     */
    public static ByteBuffer switchingProtocols(String acceptKey, String subprotocol, String extensions,
                                                Map<String, String> extraHeaders) {
        throw new UnsupportedOperationException("skeleton");
    }

    /**
     * A complete response with the standard reason phrase, the given headers, {@code
     * Content-Length} and {@code Connection: close}.
     */
    public static ByteBuffer response(int status, Map<String, String> headers, byte[] body) {
        throw new UnsupportedOperationException("skeleton");
    }
}
