package dev.selkie.demo;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.UUID;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;

/** The {@code --redis} option of the server commands (a picocli mixin): topics across servers through Redis. */
final class RedisOption {
    @Option(names = "--redis", paramLabel = "URI",
            description = "Share topics with every server started with the same Redis, e.g. redis://127.0.0.1:6379 "
                    + "(rediss:// for TLS, redis://:PASSWORD@HOST:PORT with a password). If Redis is unreachable the "
                    + "server still starts, serves its own clients and reconnects in the background.")
    private String uri;

    /** The URI given, or null. */
    String uri() {
        return uri;
    }

    /**
     * The broker for {@code --redis}, not started (the server starts and stops it), or null without the
     * option; a malformed URI is a parameter error (exit 2). Connects at once; an unreachable Redis is
     * tried again in the background (see {@link RedisConnection}).
     *
     * @param role what the server is, in its id on Redis (e.g. "chat")
     */
    RedisConnection broker(CommandSpec spec, String role) {
        if (uri == null) {
            return null;
        }
        check(spec, uri);
        String serverId = role + "-" + UUID.randomUUID().toString().substring(0, 8);
        return RedisConnection.open(uri, serverId);
    }

    /**
     * The line to print at start about {@code redis} (null without it): what it shares, or, when it is
     * not connected, a warning that the server serves its own clients until it is (the broker reconnects).
     */
    String note(RedisConnection redis, String shared) {
        if (redis == null) {
            return null;
        }
        if (redis.connected()) {
            return "Sharing " + shared + " with every server on " + uri + " (server id " + redis.broker().serverId()
                    + ")";
        }
        return "Not connected to " + uri + " yet: serving this server's own clients; " + shared
                + " are shared once it is";
    }

    /** redis:// or rediss://, a host, an optional port and database number; nothing else. */
    static void check(CommandSpec spec, String uri) {
        URI parsed;
        try {
            parsed = new URI(uri);
        } catch (URISyntaxException e) {
            throw invalid(spec, uri, "not a URI like redis://HOST:PORT (" + e.getReason() + ")");
        }
        String scheme = parsed.getScheme();
        if (scheme == null || !(scheme.equalsIgnoreCase("redis") || scheme.equalsIgnoreCase("rediss"))) {
            throw invalid(spec, uri, "the scheme must be redis:// or rediss://");
        }
        if (parsed.getHost() == null || parsed.getHost().isEmpty()) {
            throw invalid(spec, uri, "a host is required (redis://HOST:PORT)");
        }
        if (parsed.getPort() == 0 || parsed.getPort() > 65535) {
            throw invalid(spec, uri, parsed.getPort() + " is not a port (1-65535)");
        }
        String path = parsed.getPath();
        if (path != null && !path.isEmpty() && !path.matches("/[0-9]{0,5}")) {
            throw invalid(spec, uri, "the path can only be a database number (redis://HOST:PORT/0)");
        }
        if (parsed.getRawQuery() != null || parsed.getRawFragment() != null) {
            throw invalid(spec, uri, "no query or fragment (redis://HOST:PORT)");
        }
        try {
            io.lettuce.core.RedisURI.create(uri); // what the broker's client makes of it
        } catch (IllegalArgumentException e) {
            throw invalid(spec, uri, e.getMessage());
        }
    }

    private static ParameterException invalid(CommandSpec spec, String uri, String why) {
        return new ParameterException(spec.commandLine(),
                "Invalid value for option '--redis': '" + uri + "': " + why);
    }
}
