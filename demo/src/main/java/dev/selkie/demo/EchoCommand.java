package dev.selkie.demo;

import dev.selkie.Compression;
import dev.selkie.HttpResponse;
import dev.selkie.Tls;
import dev.selkie.WebSocket;
import dev.selkie.WebSocketServer;
import dev.selkie.demo.web.WebResources;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code echo}: every text and binary message goes back unchanged; a try-it page at {@code /}. */
@Command(name = "echo", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        sortOptions = false,
        header = "Echo server: every message goes back unchanged.",
        description = "Runs an echo server: every text or binary message is sent back unchanged. A try-it page "
                + "is served at http://HOST:PORT/. Stop with Ctrl-C (clients get close 1001).")
final class EchoCommand implements Callable<Integer> {
    private static final Logger log = LoggerFactory.getLogger(EchoCommand.class);

    @Spec
    private CommandSpec spec;

    @Option(names = "--host", defaultValue = "127.0.0.1", paramLabel = "HOST",
            description = "Interface to bind (default: ${DEFAULT-VALUE}; 0.0.0.0 for all).")
    private String host;

    @Option(names = "--port", defaultValue = "9001", paramLabel = "PORT",
            description = "Port to listen on (default: ${DEFAULT-VALUE}; 0 = any free port).")
    private int port;

    @Option(names = "--max-message-size", defaultValue = "16777216", paramLabel = "BYTES",
            description = "Largest accepted message; bigger ones close with 1009 (default: ${DEFAULT-VALUE}).")
    private int maxMessageSize;

    @Option(names = "--subprotocol", paramLabel = "NAME",
            description = "A subprotocol to accept, in order of preference (repeatable).")
    private List<String> subprotocols = new ArrayList<>();

    @Option(names = "--idle-timeout", defaultValue = "0", paramLabel = "DURATION",
            converter = DurationConverter.class,
            description = "Close connections silent for this long: seconds, 30s, 5m or PT30S (default: 0 = off).")
    private Duration idleTimeout;

    @Option(names = "--ping-interval", defaultValue = "0", paramLabel = "DURATION",
            converter = DurationConverter.class,
            description = "Ping every connection this often; drop it if no pong comes within --pong-timeout "
                    + "(default: 0 = off).")
    private Duration pingInterval;

    @Option(names = "--pong-timeout", defaultValue = "10s", paramLabel = "DURATION",
            converter = DurationConverter.class,
            description = "How long to wait for a pong (default: ${DEFAULT-VALUE}).")
    private Duration pongTimeout;

    @Mixin
    private TlsOptions tlsOptions = new TlsOptions();

    @Option(names = "--proxy-protocol",
            description = "Expect a PROXY protocol v1/v2 header on every connection (from a --trusted-proxy only); "
                    + "the client address it declares is the connection's.")
    private boolean proxyProtocol;

    @Option(names = "--trusted-proxy", paramLabel = "CIDR",
            description = "A proxy network trusted to name the client, e.g. 10.0.0.0/8 (repeatable): its PROXY headers "
                    + "and its Forwarded / X-Forwarded-For headers are believed, nobody else's.")
    private List<String> trustedProxies = new ArrayList<>();

    @Option(names = "--no-deflate",
            description = "Decline permessage-deflate (on by default, in the shared mode: no zlib state per "
                    + "connection).")
    private boolean noDeflate;

    @Override
    public Integer call() throws InterruptedException {
        OptionChecks.host(spec, host);
        OptionChecks.port(spec, port);
        OptionChecks.positive(spec, "--max-message-size", maxMessageSize);
        if (proxyProtocol && trustedProxies.isEmpty()) {
            throw new ParameterException(spec.commandLine(), "--proxy-protocol needs at least one --trusted-proxy");
        }
        Tls tls = tlsOptions.tls(spec);
        WebResources page = new WebResources(Map.of("/", "echo.html", "/echo.js", "echo.js", "/demo.css", "demo.css"));
        WebSocketServer.Builder builder = WebSocketServer.builder();
        if (tls != null) {
            builder.tls(tls);
        }
        try {
            builder.trustedProxies(trustedProxies.toArray(String[]::new));
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), "Invalid value for option '--trusted-proxy': " + e.getMessage());
        }
        WebSocketServer server = builder
                .proxyProtocol(proxyProtocol)
                .host(host)
                .port(port)
                .maxMessageSize(maxMessageSize)
                .subprotocols(subprotocols.toArray(String[]::new))
                .idleTimeout(idleTimeout)
                .pingInterval(pingInterval, pongTimeout)
                .compression(noDeflate ? Compression.off() : Compression.shared())
                .httpHandler(request -> page.serves(request.path()) ? page.handle(request)
                        : HttpResponse.text(426, "This is a WebSocket echo endpoint; the page is at /\n")
                                .withHeader("Upgrade", "websocket"))
                .listener(new EchoListener())
                .build();
        String where = ServerRunner.urlHost(host);
        String ws = tls != null ? "wss://" : "ws://";
        String http = tls != null ? "https://" : "http://";
        return ServerRunner.runInForeground("echo server", server, actualPort -> ServerRunner.withNote(List.of(
                "Selkie echo server listening on " + ws + where + ":" + actualPort + "/",
                "Try it in a browser: " + http + where + ":" + actualPort + "/"), tlsOptions.note()));
    }

    /** Echoes; logs connections (never messages) at info. */
    private static final class EchoListener extends Echo {
        @Override
        public void onOpen(WebSocket ws) {
            boolean proxied = !ws.remoteAddress().equals(ws.socketAddress());
            log.info("Connection from {}{} to {}{}", ws.remoteAddress(), proxied ? " via " + ws.socketAddress() : "",
                    ws.request().path(), ws.subprotocol().map(p -> " (subprotocol " + p + ")").orElse(""));
        }

        @Override
        public void onClose(WebSocket ws, int code, String reason, boolean remote) {
            log.info("Connection from {} closed by the {}: {}{}", ws.remoteAddress(), remote ? "client" : "server",
                    code, reason.isEmpty() ? "" : " " + reason);
        }

        @Override
        public void onError(WebSocket ws, Throwable error) {
            // one client's protocol violation is no warning; the server counts it (closes by code)
            log.debug("Connection from {}: {}", ws.remoteAddress(), error.toString());
        }
    }
}
