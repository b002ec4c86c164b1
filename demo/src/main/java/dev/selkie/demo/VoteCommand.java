package dev.selkie.demo;

import dev.selkie.demo.vote.Ballot;
import dev.selkie.demo.vote.VoteServer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code vote}: the live voting page. */
@Command(name = "vote", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        sortOptions = false,
        header = "Live vote with a browser page: sign in, vote, see the counts change.",
        description = "Runs a live vote with its browser page at http://HOST:PORT/. A browser signs in with a name "
                + "(POST /login, a session cookie), votes for one option (one vote per session, changeable) and "
                + "sees every vote as it is cast; the WebSocket ws://HOST:PORT/ws takes signed-in browsers only "
                + "(401 otherwise).%n"
                + "Votes are kept in memory: they survive a page reconnecting, not a restart of the server.%n"
                + "Push an announcement to every page (at most " + VoteServer.MAX_NOTIFY_BYTES + " bytes of UTF-8) "
                + "with:%n"
                + "  curl --data-binary 'Polls close at noon' http://HOST:PORT/notify%n"
                + "The counts as JSON: curl http://HOST:PORT/results")
final class VoteCommand implements Callable<Integer> {
    /** The options when none are given. */
    static final List<String> DEFAULT_OPTIONS = List.of("Tabs", "Spaces", "Both, it depends");

    @Spec
    private CommandSpec spec;

    @Option(names = "--host", defaultValue = "127.0.0.1", paramLabel = "HOST",
            description = "Interface to bind (default: ${DEFAULT-VALUE}; 0.0.0.0 for all).")
    private String host;

    @Option(names = "--port", defaultValue = "8070", paramLabel = "PORT",
            description = "Port to listen on (default: ${DEFAULT-VALUE}; 0 = any free port).")
    private int port;

    @Option(names = "--option", paramLabel = "NAME",
            description = "An option to vote for, in the order shown (repeatable, 2 to " + Ballot.MAX_OPTIONS
                    + ", each up to " + Ballot.MAX_OPTION_CODE_POINTS + " characters; default: Tabs, Spaces, "
                    + "'Both, it depends').")
    private List<String> options = new ArrayList<>();

    @Option(names = "--allow-origin", paramLabel = "ORIGIN",
            description = "A further origin allowed to connect, e.g. https://vote.example.com behind a TLS proxy "
                    + "(repeatable; the server's own http://HOST:PORT is always allowed).")
    private List<String> allowedOrigins = new ArrayList<>();

    @picocli.CommandLine.Mixin
    private TlsOptions tlsOptions = new TlsOptions();

    @Override
    public Integer call() throws InterruptedException {
        OptionChecks.host(spec, host);
        OptionChecks.port(spec, port);
        List<String> choices = options.isEmpty() ? DEFAULT_OPTIONS : options;
        try {
            choices = Ballot.checkOptions(choices);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), "Invalid value for option '--option': " + e.getMessage());
        }
        dev.selkie.Tls tls = tlsOptions.tls(spec);
        VoteServer vote = new VoteServer(host, port, choices, allowedOrigins, tls);
        String where = ServerRunner.urlHost(host);
        String ws = tls != null ? "wss://" : "ws://";
        String http = tls != null ? "https://" : "http://";
        return ServerRunner.runInForeground("vote server", vote.server(), actualPort -> ServerRunner.withNote(List.of(
                "Selkie vote listening on " + ws + where + ":" + actualPort + "/ws",
                "Open " + http + where + ":" + actualPort + "/ in a browser (or two); votes are kept in memory only.",
                "Announce: curl --data-binary 'Polls close at noon' " + http + where + ":" + actualPort + "/notify"),
                tlsOptions.note()));
    }
}
