package dev.selkie.demo;

import dev.selkie.demo.chat.ChatServer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import dev.selkie.Compression;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code chat}: the multi-room browser chat. */
@Command(name = "chat", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        sortOptions = false,
        header = "Multi-room chat with a browser page.",
        description = "Runs a multi-room chat with its browser page at http://HOST:PORT/; the WebSocket is "
                + "ws://HOST:PORT/ws?name=NAME&room=ROOM.%nAnnounce something to every user with:%n"
                + "  curl --data-binary 'Back in 5 minutes' http://HOST:PORT/notify%n"
                + "With --redis, chat servers on the same Redis share rooms, who is online and announcements.")
final class ChatCommand implements Callable<Integer> {
    @Spec
    private CommandSpec spec;

    @Option(names = "--host", defaultValue = "127.0.0.1", paramLabel = "HOST",
            description = "Interface to bind (default: ${DEFAULT-VALUE}; 0.0.0.0 for all).")
    private String host;

    @Option(names = "--port", defaultValue = "8080", paramLabel = "PORT",
            description = "Port to listen on (default: ${DEFAULT-VALUE}; 0 = any free port).")
    private int port;

    @Option(names = "--allow-origin", paramLabel = "ORIGIN",
            description = "A further origin allowed to connect, e.g. https://chat.example.com behind a TLS proxy "
                    + "(repeatable; the server's own http://HOST:PORT is always allowed).")
    private List<String> allowedOrigins = new ArrayList<>();

    @Option(names = "--no-deflate",
            description = "Decline permessage-deflate (on by default, in the shared mode: no zlib state per "
                    + "connection).")
    private boolean noDeflate;

    @picocli.CommandLine.Mixin
    private TlsOptions tlsOptions = new TlsOptions();

    @picocli.CommandLine.Mixin
    private RedisOption redisOption = new RedisOption();

    @Override
    public Integer call() throws InterruptedException {
        OptionChecks.host(spec, host);
        OptionChecks.port(spec, port);
        dev.selkie.Tls tls = tlsOptions.tls(spec);
        RedisConnection redis = redisOption.broker(spec, "chat");
        ChatServer chat = new ChatServer(host, port, allowedOrigins,
                noDeflate ? Compression.off() : Compression.shared(), tls, redis);
        String where = ServerRunner.urlHost(host);
        String ws = tls != null ? "wss://" : "ws://";
        String http = tls != null ? "https://" : "http://";
        return ServerRunner.runInForeground("chat server", chat.server(), actualPort -> ServerRunner.withNote(List.of(
                "Selkie chat listening on " + ws + where + ":" + actualPort + "/ws",
                "Open " + http + where + ":" + actualPort + "/ in a browser (or two)."),
                redisOption.note(redis, "rooms, who is online and announcements"), tlsOptions.note()));
    }
}
