package dev.selkie.demo;

import dev.selkie.demo.stats.StatsServer;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code stats}: the live metrics dashboard. */
@Command(name = "stats", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        sortOptions = false,
        header = "Live metrics dashboard (per-core CPU, connections, messages/s, heap).",
        description = "Runs a live dashboard at http://HOST:PORT/: CPU per core (from /proc/stat on Linux, the "
                + "JVM's machine-wide figure elsewhere), connections, messages/s, bytes/s, queued bytes, drops, "
                + "heap and JVM CPU, pushed every second and drawn with ECharts (served by the demo, no CDN). "
                + "Load it through ws://HOST:PORT/echo. "
                + "The server's meters in the Prometheus text format at http://HOST:PORT/metrics.")
final class StatsCommand implements Callable<Integer> {
    @Spec
    private CommandSpec spec;

    @Option(names = "--host", defaultValue = "127.0.0.1", paramLabel = "HOST",
            description = "Interface to bind (default: ${DEFAULT-VALUE}).")
    private String host;

    @Option(names = "--port", defaultValue = "8090", paramLabel = "PORT",
            description = "Port to listen on (default: ${DEFAULT-VALUE}; 0 = any free port).")
    private int port;

    @Option(names = "--interval", defaultValue = "1s", paramLabel = "DURATION",
            converter = DurationConverter.class,
            description = "How often to push a sample (default: ${DEFAULT-VALUE}).")
    private Duration interval;

    @picocli.CommandLine.Mixin
    private TlsOptions tlsOptions = new TlsOptions();

    @Override
    public Integer call() throws InterruptedException {
        OptionChecks.host(spec, host);
        OptionChecks.port(spec, port);
        if (interval.toMillis() < 100) {
            throw new ParameterException(spec.commandLine(), "Invalid value for option '--interval': at least 100ms");
        }
        dev.selkie.Tls tls = tlsOptions.tls(spec);
        StatsServer stats = new StatsServer(host, port, interval, tls);
        String where = ServerRunner.urlHost(host);
        String ws = tls != null ? "wss://" : "ws://";
        String http = tls != null ? "https://" : "http://";
        return ServerRunner.runInForeground("stats server", stats.server(), stats::start, stats::stop, actualPort -> {
            String hostPort = where + ":" + actualPort;
            return ServerRunner.withNote(List.of("Selkie stats dashboard on " + http + hostPort + "/ (samples on " + ws
                    + hostPort + "/ws, echo load on " + ws + hostPort + "/echo, Prometheus metrics on " + http + hostPort
                    + "/metrics)"), tlsOptions.note());
        });
    }
}
