package dev.selkie.demo;

import ch.qos.logback.classic.LoggerContext;
import dev.selkie.WebSocketServer;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.IntFunction;
import org.slf4j.ILoggerFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs a server in the foreground: starts it, prints where it listens, and on Ctrl-C or SIGTERM stops it
 * gracefully (every client gets close 1001) from a shutdown hook, then ends the process with status 0.
 * If the server stops itself after a fatal failure (an event loop died, e.g. out of memory), the command
 * reports it and exits with status 1 instead of living on without a server.
 */
final class ServerRunner {
    /** How long a stop waits for the clients' closing handshakes. */
    static final Duration STOP_TIMEOUT = Duration.ofSeconds(5);

    private static final Logger log = LoggerFactory.getLogger(ServerRunner.class);

    private ServerRunner() {
    }

    /** {@code lines}, and then {@code note} if there is one. */
    static List<String> withNote(List<String> lines, String note) {
        if (note == null) {
            return lines;
        }
        List<String> all = new java.util.ArrayList<>(lines);
        all.add(note);
        return all;
    }

    /** {@code lines}, and then each of {@code notes} that is not null. */
    static List<String> withNote(List<String> lines, String... notes) {
        List<String> all = lines;
        for (String note : notes) {
            all = withNote(all, note);
        }
        return all;
    }

    /** Starts {@code server} and blocks until the process is stopped; see the other overload. */
    static int runInForeground(String name, WebSocketServer server, IntFunction<List<String>> lines)
            throws InterruptedException {
        return runInForeground(name, server, server::start, server::stop, lines);
    }

    /**
     * Starts a server and blocks until the process is stopped or the server stopped itself.
     *
     * @param name what to call the server in messages, e.g. "echo server"
     * @param server the server, watched for its termination
     * @param start starts it (and whatever goes with it); an {@link UncheckedIOException} means it could not bind
     * @param stop stops it gracefully within the given time
     * @param lines the lines to print once started, given the actual port
     * @return 1 if the server could not start or stopped itself after a failure; after a signal it does
     *     not return (the shutdown hook ends the process with 0)
     */
    static int runInForeground(String name, WebSocketServer server, Runnable start, Consumer<Duration> stop,
                               IntFunction<List<String>> lines) throws InterruptedException {
        try {
            start.run();
        } catch (UncheckedIOException e) {
            System.err.println("selkie-demo: cannot start the " + name + ": " + e.getMessage()
                    + (e.getCause() == null ? "" : " (" + e.getCause().getMessage() + ")"));
            return 1;
        } catch (IllegalArgumentException e) { // TLS that cannot serve: the message says why
            System.err.println("selkie-demo: cannot start the " + name + ": " + e.getMessage());
            return 1;
        }
        Runtime.getRuntime().addShutdownHook(new Thread(() -> stop(name, server, stop), "selkie-shutdown"));
        PrintStream out = System.out;
        for (String line : lines.apply(server.port())) {
            out.println(line);
        }
        out.flush();
        while (!server.awaitTermination(Duration.ofDays(1))) {
            // a signal ends the process from the shutdown hook
        }
        Throwable failure = server.failure().orElse(null);
        if (failure == null) {
            return 0; // stopped by the hook, which ends the process
        }
        System.err.println("selkie-demo: the " + name + " stopped after a fatal error: " + failure);
        return 1;
    }

    private static void stop(String name, WebSocketServer server, Consumer<Duration> stop) {
        if (server.failure().isPresent()) {
            stopLogging(); // the server stopped itself; the command exits with 1
            return;
        }
        log.info("Stopping the {}: closing every connection with 1001", name);
        try {
            stop.accept(STOP_TIMEOUT);
            log.info("Stopped");
        } catch (RuntimeException e) {
            log.error("Error while stopping the {}", name, e);
        }
        System.out.flush();
        stopLogging();
        // A JVM ended by a signal exits with 128 + the signal number; a completed graceful stop is the
        // normal way to end a foreground server, so report success. (halt: exit() would wait for this hook.)
        Runtime.getRuntime().halt(0);
    }

    private static void stopLogging() {
        ILoggerFactory factory = LoggerFactory.getILoggerFactory();
        if (factory instanceof LoggerContext) {
            ((LoggerContext) factory).stop();
        }
    }

    /** {@code host} as it appears in a URL (IPv6 literals in brackets). */
    static String urlHost(String host) {
        return host.indexOf(':') >= 0 && !host.startsWith("[") ? "[" + host + "]" : host;
    }
}
