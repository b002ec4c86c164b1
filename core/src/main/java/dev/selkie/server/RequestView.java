package dev.selkie.server;

import dev.selkie.HttpRequest;
import dev.selkie.protocol.RequestHead;
import java.net.InetSocketAddress;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The {@link HttpRequest} the server shows to interceptors, HTTP handlers and {@code WebSocket.request()}. */
final class RequestView implements HttpRequest {
    private static final byte[] NO_BODY = new byte[0];

    private final RequestHead head;
    private final InetSocketAddress remoteAddress;
    private final byte[] body;
    private final List<String> offeredSubprotocols;
    private Map<String, String> cookies;

    RequestView(RequestHead head, InetSocketAddress remoteAddress, byte[] body, List<String> offeredSubprotocols) {
        this.head = head;
        this.remoteAddress = remoteAddress;
        this.body = body == null ? NO_BODY : body;
        this.offeredSubprotocols = List.copyOf(offeredSubprotocols);
    }

    RequestHead head() {
        return head;
    }

    @Override
    public String method() {
        return head.method();
    }

    @Override
    public String path() {
        return head.path();
    }

    @Override
    public String query() {
        return head.query();
    }

    @Override
    public Optional<String> header(String name) {
        return Optional.ofNullable(head.headers().first(name));
    }

    @Override
    public List<String> headers(String name) {
        return head.headers().all(name);
    }

    @Override
    public Map<String, List<String>> headers() {
        return head.headers().asMap();
    }

    @Override
    public synchronized Map<String, String> cookies() {
        if (cookies == null) {
            cookies = parseCookies(head.headers().all("cookie"));
        }
        return cookies;
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
    public String toString() {
        return head.method() + " " + head.target() + " from " + remoteAddress;
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
