package dev.selkie.demo;

import dev.selkie.demo.jobs.JobTemplate;
import dev.selkie.demo.jobs.JobsServer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code jobs}: the batch-job terminal. */
@Command(name = "jobs", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        sortOptions = false,
        header = "Batch-job terminal: runs allow-listed local commands over a list of targets.",
        description = "Runs a terminal page at http://HOST:PORT/ that runs a job, picked from an allow-list, for "
                + "each target of a list (host1,host2) or range (web[1-3]) and streams every target's output and "
                + "status (running, ok, failed with its exit code, timed out).%n"
                + "It runs ONLY the allow-listed local commands given with --job or --jobs-file, on this machine, "
                + "never a command typed in the page: no shell, the target (1-64 of A-Z a-z 0-9 . _ -) "
                + "substituted as one argument for {target}.%n"
                + "Example:%n"
                + "  selkie-demo jobs --job 'disk=df -h {target}' --job 'ping=ping -c 3 {target}'",
        footer = {"", "A jobs file has one NAME=COMMAND a line, as --job; blank lines and lines starting with # are "
                + "skipped."})
final class JobsCommand implements Callable<Integer> {
    @Spec
    private CommandSpec spec;

    @Option(names = "--host", defaultValue = "127.0.0.1", paramLabel = "HOST",
            description = "Interface to bind (default: ${DEFAULT-VALUE}; anyone who reaches the page can run the "
                    + "allow-listed jobs).")
    private String host;

    @Option(names = "--port", defaultValue = "8070", paramLabel = "PORT",
            description = "Port to listen on (default: ${DEFAULT-VALUE}; 0 = any free port).")
    private int port;

    @Option(names = "--job", paramLabel = "NAME=COMMAND",
            description = "An allow-listed job, e.g. 'disk=df -h {target}' (repeatable). The command is split into "
                    + "words (quotes group), {target} is replaced by the target.")
    private List<String> jobSpecs = new ArrayList<>();

    @Option(names = "--jobs-file", paramLabel = "FILE",
            description = "Read further allow-listed jobs from FILE, one NAME=COMMAND a line.")
    private Path jobsFile;

    @Option(names = "--timeout", defaultValue = "30s", paramLabel = "DURATION", converter = DurationConverter.class,
            description = "How long one target's command may run before it is killed (default: ${DEFAULT-VALUE}).")
    private Duration timeout;

    @Option(names = "--parallel", defaultValue = "4", paramLabel = "N",
            description = "How many targets a job runs at a time (default: ${DEFAULT-VALUE}, at most 32).")
    private int parallel;

    @Option(names = "--allow-origin", paramLabel = "ORIGIN",
            description = "A further origin allowed to connect (repeatable; the server's own is always allowed).")
    private List<String> allowedOrigins = new ArrayList<>();

    @picocli.CommandLine.Mixin
    private TlsOptions tlsOptions = new TlsOptions();

    @Override
    public Integer call() throws InterruptedException {
        OptionChecks.host(spec, host);
        OptionChecks.port(spec, port);
        if (timeout.isZero()) {
            throw new ParameterException(spec.commandLine(), "Invalid value for option '--timeout': must be > 0");
        }
        if (parallel < 1 || parallel > 32) {
            throw new ParameterException(spec.commandLine(),
                    "Invalid value for option '--parallel': " + parallel + " (1-32)");
        }
        List<JobTemplate> jobs = jobs();
        dev.selkie.Tls tls = tlsOptions.tls(spec);
        JobsServer server = new JobsServer(host, port, allowedOrigins, tls, jobs, timeout, parallel);
        String where = ServerRunner.urlHost(host);
        String ws = tls != null ? "wss://" : "ws://";
        String http = tls != null ? "https://" : "http://";
        List<String> names = jobs.stream().map(JobTemplate::name).toList();
        return ServerRunner.runInForeground("jobs server", server.server(), server::start, server::stop,
                actualPort -> ServerRunner.withNote(List.of(
                        "Selkie jobs listening on " + ws + where + ":" + actualPort + "/ws",
                        "Open " + http + where + ":" + actualPort + "/ in a browser; allow-listed jobs: "
                                + String.join(", ", names)), tlsOptions.note()));
    }

    private List<JobTemplate> jobs() {
        Map<String, JobTemplate> byName = new LinkedHashMap<>();
        List<String> specs = new ArrayList<>(jobSpecs);
        if (jobsFile != null) {
            try {
                for (String line : Files.readAllLines(jobsFile, StandardCharsets.UTF_8)) {
                    String l = line.strip();
                    if (!l.isEmpty() && !l.startsWith("#")) {
                        specs.add(l);
                    }
                }
            } catch (IOException e) {
                throw new ParameterException(spec.commandLine(),
                        "Invalid value for option '--jobs-file': cannot read " + jobsFile + ": " + e.getMessage());
            }
        }
        for (String s : specs) {
            JobTemplate job;
            try {
                job = JobTemplate.parse(s);
            } catch (IllegalArgumentException e) {
                throw new ParameterException(spec.commandLine(), "Invalid job: " + e.getMessage());
            }
            if (byName.put(job.name(), job) != null) {
                throw new ParameterException(spec.commandLine(), "Invalid job: '" + job.name() + "' is given twice");
            }
        }
        if (byName.isEmpty()) {
            throw new ParameterException(spec.commandLine(),
                    "No jobs: give at least one allow-listed job with --job NAME=COMMAND or --jobs-file FILE");
        }
        return List.copyOf(byName.values());
    }
}
