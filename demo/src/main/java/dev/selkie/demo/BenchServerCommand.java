package dev.selkie.demo;

import ch.qos.logback.classic.Level;
import dev.selkie.Compression;
import dev.selkie.WebSocket;
import dev.selkie.WebSocketListener;
import dev.selkie.WebSocketServer;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.Callable;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code bench-server}: what the benchmark kit measures. {@code /echo} echoes; {@code /chat} relays every
 * message to every {@code /chat} connection (a topic, sender included). Other paths get 404.
 */
@Command(name = "bench-server", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        sortOptions = false,
        header = "The server the benchmark kit measures (/echo and /chat).",
        description = "Runs the server the benchmark kit measures: /echo echoes every message, /chat sends "
                + "every message it receives to every /chat connection (sender included). Logs warnings "
                + "only. With --redis, /chat spans every bench-server on the same Redis.")
final class BenchServerCommand implements Callable<Integer> {
    /** The topic every {@code /chat} connection joins. */
    static final String CHAT_TOPIC = "chat";
    /** Decisions are immutable: one per endpoint serves every handshake. */

    @Spec
    private CommandSpec spec;

    @Option(names = "--host", defaultValue = "127.0.0.1", paramLabel = "HOST",
            description = "Interface to bind (default: ${DEFAULT-VALUE}).")
    private String host;

    @Option(names = "--port", defaultValue = "9001", paramLabel = "PORT",
            description = "Port to listen on (default: ${DEFAULT-VALUE}; 0 = any free port).")
    private int port;

    @Option(names = "--loops", defaultValue = "1", paramLabel = "N",
            description = "Event-loop threads (default: ${DEFAULT-VALUE}).")
    private int loops;

    @Option(names = "--backlog", defaultValue = "4096", paramLabel = "N",
            description = "Listen backlog (default: ${DEFAULT-VALUE}, as the other peers of the kit).")
    private int backlog;

    @Option(names = "--no-deflate",
            description = "Decline permessage-deflate (on by default, in the shared mode: no zlib state per "
                    + "connection).")
    private boolean noDeflate;

    @Option(names = "--deflate-context-takeover", defaultValue = "0", paramLabel = "N",
            description = "Give the first N concurrent connections a deflater of their own (context takeover; "
                    + "default: ${DEFAULT-VALUE}, the shared mode for all).")
    private int contextTakeover;

    @picocli.CommandLine.Mixin
    private TlsOptions tlsOptions = new TlsOptions();

    @picocli.CommandLine.Mixin
    private RedisOption redisOption = new RedisOption();

    @Option(names = "--plain-port", defaultValue = "-1", paramLabel = "PORT",
            description = "With TLS: also serve plain ws:// on this port (0 = any free port), sharing /chat "
                    + "and the loops with the TLS port.")
    private int plainPort;

    @Override
    public Integer call() throws InterruptedException {
        OptionChecks.host(spec, host);
        OptionChecks.port(spec, port);
        OptionChecks.positive(spec, "--loops", loops);
        OptionChecks.positive(spec, "--backlog", backlog);
        if (contextTakeover < 0) {
            throw new picocli.CommandLine.ParameterException(spec.commandLine(),
                    "--deflate-context-takeover must be 0 or more: " + contextTakeover);
        }
        ((ch.qos.logback.classic.Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME))
                .setLevel(Level.WARN);
        dev.selkie.Tls tls = tlsOptions.tls(spec);
        if (plainPort != -1) {
            if (tls == null) {
                throw new picocli.CommandLine.ParameterException(spec.commandLine(),
                        "--plain-port goes with TLS (--tls-cert/--tls-key or --tls-self-signed)");
            }
            if (plainPort < 0 || plainPort > 65535) {
                throw new picocli.CommandLine.ParameterException(spec.commandLine(),
                        "Invalid value for option '--plain-port': " + plainPort + " is not a port (0-65535)");
            }
        }
        RedisConnection redis = redisOption.broker(spec, "bench");
        WebSocketServer server = build(host, port, loops, backlog,
                noDeflate ? Compression.off()
                        : contextTakeover > 0 ? Compression.contextTakeover(contextTakeover) : Compression.shared(),
                tls, plainPort, redis);
        String where = ServerRunner.urlHost(host);
        String ws = tls != null ? "wss://" : "ws://";
        String setup = " (" + loops + " loop" + (loops == 1 ? "" : "s") + ", "
                + (noDeflate ? "no compression" : "permessage-deflate") + ")";
        return ServerRunner.runInForeground("bench server", server, actualPort -> ServerRunner.withNote(plainPort == -1
                ? List.of("Selkie bench server listening on " + ws + where + ":" + actualPort + "/echo and " + ws
                        + where + ":" + actualPort + "/chat" + setup)
                : List.of("Selkie bench server listening on " + ws + where + ":" + actualPort + "/echo and " + ws
                        + where + ":" + actualPort + "/chat" + setup,
                        "and on ws://" + where + ":" + server.plainPort() + "/echo and ws://" + where + ":"
                                + server.plainPort() + "/chat"),
                redisOption.note(redis, "/chat")));
    }

    /** The bench server, not started. */
    static WebSocketServer build(String host, int port, int loops, int backlog, Compression compression,
                                 dev.selkie.Tls tls) {
        return build(host, port, loops, backlog, compression, tls, -1);
    }

    /** The bench server, not started; {@code plainPort} -1 for none (it needs {@code tls}). */
    static WebSocketServer build(String host, int port, int loops, int backlog, Compression compression,
                                 dev.selkie.Tls tls, int plainPort) {
        return build(host, port, loops, backlog, compression, tls, plainPort, null);
    }

    /**
     * The same with {@code /chat} spanning every bench server on the Redis of {@code redis} unless it is
     * null (the server starts and stops the broker).
     */
    static WebSocketServer build(String host, int port, int loops, int backlog, Compression compression,
                                 dev.selkie.Tls tls, int plainPort, RedisConnection redis) {
        ChatRelay chat = new ChatRelay();
        WebSocketServer.Builder builder = WebSocketServer.builder();
        if (tls != null) {
            builder.tls(tls);
        }
        if (plainPort != -1) {
            builder.plainPort(plainPort);
        }
        if (redis != null) {
            builder.broker(redis);
        }
        chat.server = builder
                .host(host)
                .port(port)
                .loops(loops)
                .backlog(backlog)
                .tcpNoDelay(true)
                .compression(compression)
                .route("/echo", new Echo())
                .route("/chat", chat)
                .build();
        return chat.server;
    }

    /** {@code /chat}: every message published to the one topic all its connections subscribe to. */
    private static final class ChatRelay implements WebSocketListener {
        /** Set before the server starts, read only by its loops afterwards. */
        private WebSocketServer server;

        @Override
        public void onOpen(WebSocket ws) {
            ws.subscribe(CHAT_TOPIC);
        }

        @Override
        public void onText(WebSocket ws, String text) {
            server.publish(CHAT_TOPIC, text);
        }

        @Override
        public void onBinary(WebSocket ws, ByteBuffer data) {
            server.publish(CHAT_TOPIC, data);
        }
    }
}
