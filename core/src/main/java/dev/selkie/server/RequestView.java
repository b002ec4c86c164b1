package dev.selkie.server;

import dev.selkie.HttpRequest;
import dev.selkie.protocol.RequestHead;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The {@link HttpRequest} the server shows to interceptors, HTTP handlers and {@code
 * WebSocket.request()}. It outlives the handshake for as long as the connection is open, so it
 * keeps the request compactly: the header fields as one array of name/value strings (well-known
 * names shared by all connections); maps and cookies are built when asked for.
 */
final class RequestView implements HttpRequest {
    private static final byte[] NO_BODY = new byte[0];
    private static final Map<String, String> KNOWN_NAMES = new java.util.HashMap<>();

    static {
        for (String name : Set.of("host", "upgrade", "connection", "origin", "cookie", "user-agent", "pragma",
                "cache-control", "accept", "accept-encoding", "accept-language", "authorization",
                "sec-websocket-key", "sec-websocket-version", "sec-websocket-protocol", "sec-websocket-extensions",
                "content-length", "content-type", "x-forwarded-for", "x-real-ip")) {
            KNOWN_NAMES.put(name, name);
        }
    }

    private final String method;
    private final String target;
    private final String path;
    private final String query;
    /** Lower-case name, value, name, value, ... grouped by name in the order names first appeared. */
    private final String[] fields;
    private final InetSocketAddress remoteAddress;
    private final byte[] body;
    private final List<String> offeredSubprotocols;

    RequestView(RequestHead head, InetSocketAddress remoteAddress, byte[] body, List<String> offeredSubprotocols) {
        this.method = head.method();
        this.target = head.target();
        this.path = head.path();
        this.query = head.query();
        Map<String, List<String>> map = head.headers().asMap();
        int count = 0;
        for (List<String> values : map.values()) {
            count += values.size();
        }
        String[] compact = new String[2 * count];
        int i = 0;
        for (Map.Entry<String, List<String>> entry : map.entrySet()) {
            String name = KNOWN_NAMES.getOrDefault(entry.getKey(), entry.getKey());
            for (String value : entry.getValue()) {
                compact[i++] = name;
                compact[i++] = value;
            }
        }
        this.fields = compact;
        this.remoteAddress = remoteAddress;
        this.body = body == null ? NO_BODY : body;
        this.offeredSubprotocols = List.copyOf(offeredSubprotocols);
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
        String lower = name.toLowerCase(Locale.ROOT);
        for (int i = 0; i < fields.length; i += 2) {
            if (fields[i].equals(lower)) {
                return Optional.of(fields[i + 1]);
            }
        }
        return Optional.empty();
    }

    @Override
    public List<String> headers(String name) {
        String lower = name.toLowerCase(Locale.ROOT);
        List<String> values = new ArrayList<>(2);
        for (int i = 0; i < fields.length; i += 2) {
            if (fields[i].equals(lower)) {
                values.add(fields[i + 1]);
            }
        }
        return Collections.unmodifiableList(values);
    }

    @Override
    public Map<String, List<String>> headers() {
        Map<String, List<String>> map = new LinkedHashMap<>();
        for (int i = 0; i < fields.length; i += 2) {
            map.computeIfAbsent(fields[i], k -> new ArrayList<>(2)).add(fields[i + 1]);
        }
        map.replaceAll((k, v) -> Collections.unmodifiableList(v));
        return Collections.unmodifiableMap(map);
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
