package dev.selkie.server;

import dev.selkie.HandshakeInterceptor;
import dev.selkie.WebSocketListener;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Which endpoint serves an upgrade request, by its path (without the query, as received: no
 * percent-decoding or dot-segment removal, so {@code /chat} and {@code /chat/} are different paths):
 * an exact path first, then the longest prefix pattern ({@code /feeds/*} matches {@code /feeds}
 * and everything under {@code /feeds/}), then the fallback (the builder's {@code listener}), else
 * none (404). Immutable.
 */
public final class Routes {
    /**
     * One endpoint with every setting resolved (the server's where it set none).
     *
     * @param pattern the path or prefix pattern it was registered under ({@code /*} for the fallback)
     */
    public record Route(String pattern, WebSocketListener listener, HandshakeInterceptor interceptor,
                        List<String> subprotocols, int maxMessageSize) {
        /** Copies the list. */
        public Route {
            Objects.requireNonNull(listener, "listener");
            Objects.requireNonNull(interceptor, "interceptor");
            subprotocols = List.copyOf(subprotocols);
        }
    }

    private final Map<String, Route> exact = new HashMap<>();
    /** Prefix patterns without their {@code *}, longest first. */
    private final List<Map.Entry<String, Route>> prefixes = new ArrayList<>();
    private final Route fallback;
    private final int largestMessageSize;

    private Routes(List<Route> routes, Route fallback) {
        int largest = fallback == null ? 0 : fallback.maxMessageSize();
        for (Route route : routes) {
            String pattern = route.pattern();
            if (pattern.endsWith("/*")) {
                prefixes.add(Map.entry(pattern.substring(0, pattern.length() - 1), route));
            } else {
                exact.put(pattern, route);
            }
            largest = Math.max(largest, route.maxMessageSize());
        }
        prefixes.sort(Comparator.comparingInt((Map.Entry<String, Route> e) -> e.getKey().length()).reversed());
        this.fallback = fallback;
        this.largestMessageSize = largest;
    }

    /**
     * Routes for these endpoints and a fallback.
     *
     * @param fallback serves every path no route matches; null for 404
     * @throws IllegalArgumentException if a pattern is not a path starting with {@code /}, has a
     *     {@code *} other than a final {@code /*}, or is registered twice
     */
    public static Routes of(List<Route> routes, Route fallback) {
        List<String> seen = new ArrayList<>();
        for (Route route : routes) {
            String pattern = route.pattern();
            if (!pattern.startsWith("/") || pattern.indexOf('*') != (pattern.endsWith("/*") ? pattern.length() - 1 : -1)
                    || pattern.indexOf('?') >= 0 || pattern.chars().anyMatch(c -> c <= ' ' || c >= 0x7F)) {
                throw new IllegalArgumentException("a route is a path starting with '/', or a prefix ending in '/*'"
                        + " (no query, spaces or controls): " + pattern);
            }
            if (seen.contains(pattern)) {
                throw new IllegalArgumentException("route registered twice: " + pattern);
            }
            seen.add(pattern);
        }
        return new Routes(routes, fallback);
    }

    /** Just the fallback: every path. */
    public static Routes only(Route fallback) {
        return new Routes(List.of(), Objects.requireNonNull(fallback, "fallback"));
    }

    /** The endpoint for {@code path}, or null if none serves it. */
    Route match(String path) {
        Route route = exact.get(path);
        if (route != null) {
            return route;
        }
        for (Map.Entry<String, Route> prefix : prefixes) {
            String start = prefix.getKey(); // e.g. "/feeds/": matches "/feeds" too
            if (path.startsWith(start) || path.length() == start.length() - 1 && start.startsWith(path)) {
                return prefix.getValue();
            }
        }
        return fallback;
    }

    /** The largest message any endpoint accepts (for the default send-queue limit). */
    public int largestMessageSize() {
        return largestMessageSize;
    }
}
