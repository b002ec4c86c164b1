package dev.selkie;

import java.util.List;
import java.util.Objects;

/**
 * What serves the upgrade requests of one path ({@link WebSocketServer.Builder#route(String,
 * Endpoint)}): its listener, and optionally its own handshake interceptor, subprotocols and largest
 * incoming message; whatever it leaves unset is the server's. Immutable: every {@code with} method
 * returns a copy.
 *
 * <pre>{@code
 * WebSocketServer.builder()
 *         .route("/chat", Endpoint.of(chat).withInterceptor(sessions).withSubprotocols("chat.v2"))
 *         .route("/feeds/*", feeds)                      // any path under /feeds/
 *         .route("/upload", Endpoint.of(upload).withMaxMessageSize(16 << 20))
 *         .build();                                      // any other path: 404
 * }</pre>
 */
public final class Endpoint {
    private final WebSocketListener listener;
    private final HandshakeInterceptor interceptor;
    private final List<String> subprotocols;
    private final int maxMessageSize;

    private Endpoint(WebSocketListener listener, HandshakeInterceptor interceptor, List<String> subprotocols,
                     int maxMessageSize) {
        this.listener = listener;
        this.interceptor = interceptor;
        this.subprotocols = subprotocols;
        this.maxMessageSize = maxMessageSize;
    }

    /** An endpoint served by {@code listener}, with the server's interceptor, subprotocols and limits. */
    public static Endpoint of(WebSocketListener listener) {
        return new Endpoint(Objects.requireNonNull(listener, "listener"), null, null, 0);
    }

    /** A copy that decides about this endpoint's upgrades with {@code interceptor} instead of the server's. */
    public Endpoint withInterceptor(HandshakeInterceptor interceptor) {
        return new Endpoint(listener, Objects.requireNonNull(interceptor, "interceptor"), subprotocols, maxMessageSize);
    }

    /** A copy that offers these subprotocols (in order of preference) instead of the server's. */
    public Endpoint withSubprotocols(String... names) {
        return new Endpoint(listener, interceptor, List.of(names), maxMessageSize);
    }

    /** A copy whose incoming messages may be up to {@code bytes} long (larger ones: close 1009). */
    public Endpoint withMaxMessageSize(int bytes) {
        if (bytes <= 0) {
            throw new IllegalArgumentException("maxMessageSize must be > 0: " + bytes);
        }
        return new Endpoint(listener, interceptor, subprotocols, bytes);
    }

    /** The listener. */
    public WebSocketListener listener() {
        return listener;
    }

    /** This endpoint's own interceptor, or null to use the server's. */
    HandshakeInterceptor interceptor() {
        return interceptor;
    }

    /** This endpoint's own subprotocols, or null to use the server's. */
    List<String> subprotocols() {
        return subprotocols;
    }

    /** This endpoint's own largest message, or 0 to use the server's. */
    int maxMessageSize() {
        return maxMessageSize;
    }
}
