package dev.selkie;

import java.net.InetSocketAddress;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * An HTTP request as the server received it: either a WebSocket upgrade request shown to a
 * {@link HandshakeInterceptor}, or a plain HTTP request given to an {@link HttpHandler}.
 *
 * <p>Header names are matched case-insensitively. The server keeps the header lines as received
 * (one byte array per request) and {@link #header(String)} and {@link #headers(String)} read them
 * on each call; {@link #headers()} builds the whole map on its first call, and a connection's
 * request keeps that map for the rest of the connection's life.
 */
public interface HttpRequest {
    /** The method, e.g. {@code GET}. */
    String method();

    /** The request target's path, e.g. {@code /chat}, without the query. */
    String path();

    /** The raw query string without the {@code ?}, or the empty string if there is none. */
    String query();

    /** The first value of the header, if present. */
    Optional<String> header(String name);

    /** All values of the header in the order received, unmodifiable; empty if absent. */
    List<String> headers(String name);

    /** All headers, unmodifiable, names in lower case, values in the order received. */
    Map<String, List<String>> headers();

    /** The {@code Origin} header, if present. */
    default Optional<String> origin() {
        return header("Origin");
    }

    /** The cookies sent with the request, by name (parsed from every {@code Cookie} header). */
    Map<String, String> cookies();

    /** The subprotocols the client offered in {@code Sec-WebSocket-Protocol}, in its order. */
    List<String> offeredSubprotocols();

    /** The request body (plain HTTP requests with {@code Content-Length} only); empty otherwise. */
    byte[] body();

    /**
     * The client's address: the TCP peer's, or, behind trusted proxies (see {@code
     * WebSocketServer.Builder.trustedProxies}), the client they name in a PROXY header or in {@code
     * Forwarded} / {@code X-Forwarded-For} (port 0 if they name none).
     */
    InetSocketAddress remoteAddress();

    /** The TCP peer's address as the socket sees it: the proxy's, behind one. */
    default InetSocketAddress socketAddress() {
        return remoteAddress();
    }

    /** Whether the request came over TLS ({@code wss://} or {@code https://}). */
    default boolean secure() {
        return false;
    }

    /** The host name the client asked for in its TLS handshake (SNI), if it came over TLS and named one. */
    default Optional<String> serverName() {
        return Optional.empty();
    }
}
