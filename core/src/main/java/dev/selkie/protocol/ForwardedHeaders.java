package dev.selkie.protocol;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;

/**
 * The client addresses proxies append to a request: RFC 7239 {@code Forwarded} ({@code for=}
 * parameters) and the older {@code X-Forwarded-For}. Each returns the hops left to right (the
 * first is the one furthest from us), one entry per hop; an entry is null where the hop is not a
 * numeric address ({@code unknown}, an obfuscated identifier, a missing {@code for=}, garbage).
 * Which hops to believe is the caller's decision (only those a trusted proxy added). Numeric
 * literals only, never a name lookup.
 */
public final class ForwardedHeaders {
    private ForwardedHeaders() {
    }

    /** The {@code for=} node of each element of the {@code Forwarded} header lines, in order. */
    public static List<InetSocketAddress> forwardedFor(List<String> values) {
        List<InetSocketAddress> hops = new ArrayList<>();
        for (String value : values) {
            for (String element : split(value, ',')) {
                InetSocketAddress node = null;
                for (String pair : split(element, ';')) {
                    int eq = pair.indexOf('=');
                    if (eq > 0 && pair.substring(0, eq).trim().equalsIgnoreCase("for")) {
                        node = node(unquote(pair.substring(eq + 1).trim()));
                        break;
                    }
                }
                hops.add(node);
            }
        }
        return hops;
    }

    /** The entries of the {@code X-Forwarded-For} header lines, in order. */
    public static List<InetSocketAddress> xForwardedFor(List<String> values) {
        List<InetSocketAddress> hops = new ArrayList<>();
        for (String value : values) {
            for (String entry : value.split(",", -1)) {
                hops.add(node(entry.trim()));
            }
        }
        return hops;
    }

    /**
     * A node: {@code 192.0.2.1}, {@code 192.0.2.1:4711}, {@code [2001:db8::1]}, {@code
     * [2001:db8::1]:4711}, or a bare IPv6 literal (as {@code X-Forwarded-For} often has it); port 0
     * when none or an obfuscated one is given. Null for anything else.
     */
    static InetSocketAddress node(String s) {
        String host;
        String port = null;
        if (s.startsWith("[")) {
            int close = s.indexOf(']');
            if (close < 0) {
                return null;
            }
            host = s.substring(1, close);
            String rest = s.substring(close + 1);
            if (!rest.isEmpty()) {
                if (!rest.startsWith(":")) {
                    return null;
                }
                port = rest.substring(1);
            }
            if (host.indexOf(':') < 0) {
                return null;
            }
        } else if (s.indexOf(':') != s.lastIndexOf(':')) {
            host = s; // a bare IPv6 literal
        } else {
            int colon = s.indexOf(':');
            host = colon < 0 ? s : s.substring(0, colon);
            port = colon < 0 ? null : s.substring(colon + 1);
        }
        InetAddress address = InetLiterals.parse(host);
        if (address == null) {
            return null;
        }
        int portNumber = 0;
        if (port != null && !port.startsWith("_")) { // "_abc": an obfuscated port (RFC 7239 section 6.3)
            portNumber = InetLiterals.decimal(port, 65535);
            if (portNumber < 0) {
                return null;
            }
        }
        return new InetSocketAddress(address, portNumber);
    }

    /** Splits at {@code separator} outside quoted strings. */
    private static List<String> split(String value, char separator) {
        List<String> parts = new ArrayList<>();
        StringBuilder part = new StringBuilder();
        boolean quoted = false;
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (quoted && c == '\\' && i + 1 < value.length()) {
                part.append(c).append(value.charAt(++i));
                continue;
            }
            if (c == '"') {
                quoted = !quoted;
            }
            if (c == separator && !quoted) {
                parts.add(part.toString().trim());
                part.setLength(0);
            } else {
                part.append(c);
            }
        }
        parts.add(part.toString().trim());
        return parts;
    }

    private static String unquote(String s) {
        if (s.length() < 2 || s.charAt(0) != '"' || s.charAt(s.length() - 1) != '"') {
            return s;
        }
        StringBuilder out = new StringBuilder(s.length());
        for (int i = 1; i < s.length() - 1; i++) {
            char c = s.charAt(i);
            if (c == '\\' && i + 1 < s.length() - 1) {
                c = s.charAt(++i);
            }
            out.append(c);
        }
        return out.toString();
    }
}
