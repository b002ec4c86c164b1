package dev.selkie.demo.web;

import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.net.UnknownHostException;
import java.util.Collection;
import java.util.Collections;
import java.util.HashSet;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.function.IntSupplier;

/**
 * Same-origin check for browser requests: accepts requests without {@code Origin} (non-browser
 * clients) and pages served by this server, i.e. {@code http://HOST:PORT} for the bound host (all
 * loopback names when bound to loopback, every interface address when bound to all), plus any extra
 * origins configured. The Host header is deliberately not trusted (DNS rebinding).
 */
public final class OriginPolicy {
    private final String host;
    private final IntSupplier port;
    private final String scheme;
    private final Set<String> extra = new HashSet<>();
    private volatile Set<String> allowed;

    /**
     * @param host the host the server binds
     * @param port the actual port, known once the server started
     * @param extraOrigins further allowed origins, e.g. {@code https://chat.example.com} behind a proxy
     */
    public OriginPolicy(String host, IntSupplier port, Collection<String> extraOrigins) {
        this(host, port, extraOrigins, false);
    }

    /** The same for a server whose pages are served over TLS ({@code https://HOST:PORT}) when {@code secure}. */
    public OriginPolicy(String host, IntSupplier port, Collection<String> extraOrigins, boolean secure) {
        this.host = host;
        this.port = port;
        this.scheme = secure ? "https://" : "http://";
        for (String origin : extraOrigins) {
            extra.add(origin.toLowerCase(Locale.ROOT));
        }
    }

    /** Whether a request with this Origin header (or none) may proceed. */
    public boolean allows(Optional<String> origin) {
        return origin.map(o -> allowedOrigins().contains(o.toLowerCase(Locale.ROOT))).orElse(true);
    }

    /** The allowed origins, computed on first use (the port is known by then). */
    public Set<String> allowedOrigins() {
        Set<String> result = allowed;
        if (result == null) {
            result = compute();
            allowed = result;
        }
        return result;
    }

    private Set<String> compute() {
        int p = port.getAsInt();
        Set<String> set = new HashSet<>(extra);
        set.add(origin(host, p));
        try {
            InetAddress bound = InetAddress.getByName(host);
            if (bound.isLoopbackAddress() || bound.isAnyLocalAddress()) {
                set.add(origin("localhost", p));
                set.add(origin("127.0.0.1", p));
                set.add(origin("::1", p));
            }
            if (bound.isAnyLocalAddress()) {
                for (NetworkInterface nif : Collections.list(NetworkInterface.getNetworkInterfaces())) {
                    for (InetAddress a : Collections.list(nif.getInetAddresses())) {
                        String literal = a.getHostAddress();
                        int zone = literal.indexOf('%');
                        set.add(origin(zone < 0 ? literal : literal.substring(0, zone), p));
                    }
                }
            }
        } catch (UnknownHostException | SocketException e) {
            // only the configured host itself then
        }
        return Set.copyOf(set);
    }

    private String origin(String host, int port) {
        String h = host.indexOf(':') >= 0 && !host.startsWith("[") ? "[" + host + "]" : host;
        return (scheme + h + ":" + port).toLowerCase(Locale.ROOT);
    }
}
