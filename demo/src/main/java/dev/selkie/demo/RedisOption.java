package dev.selkie.demo;

import dev.selkie.redis.RedisBroker;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;

/** The {@code --redis} option of the server commands (a picocli mixin): topics across servers through Redis. */
final class RedisOption {
    private static final Logger log = LoggerFactory.getLogger(RedisOption.class);

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
     * option; a malformed URI is a parameter error (exit 2).
     *
     * @param role what the server is, in its id on Redis (e.g. "chat")
     */
    RedisBroker broker(CommandSpec spec, String role) {
        if (uri == null) {
            return null;
        }
        check(spec, uri);
        try {
            return RedisBroker.builder(uri)
                    .channelPrefix("selkie:")
                    .serverId(role + "-" + UUID.randomUUID().toString().substring(0, 8))
                    .sharded(false)
                    .build();
        } catch (IllegalArgumentException e) { // what Lettuce refuses beyond the checks below
            throw invalid(spec, uri, e.getMessage());
        }
    }

    /**
     * The line to print at start about {@code redis} (null without it): what it shares, or, when it is
     * not connected, a warning that the server serves its own clients until it is (the broker reconnects).
     */
    String note(RedisBroker redis, String shared) {
        if (redis == null) {
            return null;
        }
        if (redis.connected()) {
            return "Sharing " + shared + " with every server on " + uri + " (server id " + redis.serverId() + ")";
        }
        log.warn("Redis at {} is not reachable: serving this server's own clients only, reconnecting in the background",
                uri);
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
    }

    private static ParameterException invalid(CommandSpec spec, String uri, String why) {
        return new ParameterException(spec.commandLine(),
                "Invalid value for option '--redis': '" + uri + "': " + why);
    }
}
