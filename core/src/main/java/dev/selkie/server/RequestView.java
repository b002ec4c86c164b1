package dev.selkie.server;

import dev.selkie.HttpRequest;
import dev.selkie.protocol.HeaderMap;
import dev.selkie.protocol.RequestHead;
import java.net.InetSocketAddress;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The {@link HttpRequest} the server shows to interceptors, HTTP handlers and {@code
 * WebSocket.request()}. It outlives the handshake for as long as the connection is open, so it
 * keeps the request as the parser left it: the header lines as one byte array inside a compact
 * {@link HeaderMap}, scanned when a header is asked for. Nothing is decoded into strings, maps or
 * lists per connection unless someone asks ({@link #headers()} builds the name-to-values map once).
 */
final class RequestView implements HttpRequest {
    private static final byte[] NO_BODY = new byte[0];

    private final String method;
    private final String target;
    private final String path;
    private final String query;
    private final HeaderMap fields;
    private final InetSocketAddress remoteAddress;
    private final HandshakeStage.Peer peer;
    private final byte[] body;
    private final List<String> offeredSubprotocols;

    /**
     * @param remoteAddress the client, as trusted proxies name it
     * @param peer the connection's side of it: the socket's address, TLS and its server name
     */
    RequestView(RequestHead head, InetSocketAddress remoteAddress, HandshakeStage.Peer peer, byte[] body,
                List<String> offeredSubprotocols) {
        this.method = head.method();
        this.target = head.target();
        this.path = head.path();
        this.query = head.query();
        this.fields = head.headers();
        this.remoteAddress = remoteAddress;
        this.peer = peer;
        this.body = body == null ? NO_BODY : body;
        this.offeredSubprotocols = offeredSubprotocols.isEmpty() ? List.of() : List.copyOf(offeredSubprotocols);
    }

    /** The header fields as the parser left them (the 101 reads the client's key from them). */
    HeaderMap fields() {
        return fields;
    }

    @Override
    public String method() {
        return method;
    }

    @Override
    public String path() {
        return path;
    }

    @Override
    public String query() {
        return query;
    }

    @Override
    public Optional<String> header(String name) {
        return Optional.ofNullable(fields.first(name));
    }

    @Override
    public List<String> headers(String name) {
        return fields.all(name);
    }

    @Override
    public Map<String, List<String>> headers() {
        return fields.asMap();
    }

    @Override
    public Map<String, String> cookies() {
        return parseCookies(headers("cookie"));
    }

    @Override
    public List<String> offeredSubprotocols() {
        return offeredSubprotocols;
    }

    @Override
    public byte[] body() {
        return body.length == 0 ? body : body.clone();
    }

    @Override
    public InetSocketAddress remoteAddress() {
        return remoteAddress;
    }

    @Override
    public InetSocketAddress socketAddress() {
        return peer.socketAddress();
    }

    @Override
    public boolean secure() {
        return peer.secure();
    }

    @Override
    public java.util.Optional<String> serverName() {
        return peer.serverName();
    }

    @Override
    public String toString() {
        return method + " " + target + " from " + remoteAddress;
    }

    /**
     * Parses {@code Cookie} fields ({@code name=value; name2=value2}, RFC 6265 section 5.4); the first
     * occurrence of a name wins, surrounding double quotes of a value are removed, pairs without
     * {@code =} are ignored.
     */
    static Map<String, String> parseCookies(List<String> fields) {
        Map<String, String> result = new LinkedHashMap<>();
        for (String field : fields) {
            for (String pair : field.split(";")) {
                int eq = pair.indexOf('=');
                if (eq <= 0) {
                    continue;
                }
                String name = pair.substring(0, eq).trim();
                String value = pair.substring(eq + 1).trim();
                if (value.length() >= 2 && value.charAt(0) == '"' && value.charAt(value.length() - 1) == '"') {
                    value = value.substring(1, value.length() - 1);
                }
                if (!name.isEmpty()) {
                    result.putIfAbsent(name, value);
                }
            }
        }
        return Collections.unmodifiableMap(result);
    }
}
