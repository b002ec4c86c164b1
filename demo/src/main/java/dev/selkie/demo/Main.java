package dev.selkie.demo;

import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;
import picocli.CommandLine.UnmatchedArgumentException;

/**
 * Entry point of {@code selkie-demo.jar}: one subcommand per demo. Exit codes: 0 success (also after a
 * Ctrl-C or SIGTERM stop), 1 runtime failure (the port is taken, or the server stopped itself after a
 * fatal error such as running out of memory), 2 usage error.
 */
@Command(name = "selkie-demo",
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        description = "Demos of the Selkie WebSocket server.",
        subcommands = {EchoCommand.class, ChatCommand.class, StatsCommand.class, JobsCommand.class, VoteCommand.class,
            BenchServerCommand.class},
        footer = {"", "Run 'selkie-demo COMMAND --help' for the options of a command.",
            "Run it as 'java -XX:+ExitOnOutOfMemoryError -jar selkie-demo.jar COMMAND ...': out of memory, the JVM then",
            "exits at once; without the flag the server stops itself after a fatal error and the command exits with 1."})
public final class Main implements Runnable {
    @Spec
    private CommandSpec spec;

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    /** The configured command line, shared by {@link #main} and the tests. */
    static CommandLine commandLine() {
        CommandLine cli = new CommandLine(new Main());
        cli.setParameterExceptionHandler(Main::usageError);
        return cli;
    }

    /** A usage error: the problem, a suggestion if picocli has one, the synopsis, a pointer to --help; exit code 2. */
    private static int usageError(ParameterException e, String[] args) {
        CommandLine cmd = e.getCommandLine();
        PrintWriter err = cmd.getErr();
        err.println("selkie-demo: " + e.getMessage());
        UnmatchedArgumentException.printSuggestions(e, err);
        err.print(cmd.getHelp().fullSynopsis());
        err.println("Try '" + cmd.getCommandSpec().qualifiedName() + " --help' for more information.");
        err.flush();
        return cmd.getCommandSpec().exitCodeOnInvalidInput();
    }

    @Override
    public void run() {
        throw new ParameterException(spec.commandLine(), "Missing command: choose one of "
                + String.join(", ", spec.subcommands().keySet()));
    }
}
