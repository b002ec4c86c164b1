package dev.selkie.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import picocli.CommandLine;

/** Parsing and usage errors, in-process (they fail before any server starts). */
class CommandLineTest {
    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private int run(String... args) {
        CommandLine cli = Main.commandLine();
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        return cli.execute(args);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "echo", "chat", "stats", "jobs", "vote", "bench-server"})
    void everyCommandHasHelp(String command) {
        String[] args = command.isEmpty() ? new String[] {"--help"} : new String[] {command, "--help"};
        assertEquals(0, run(args));
        assertTrue(out.toString().contains("Usage: selkie-demo" + (command.isEmpty() ? "" : " " + command)), out.toString());
        assertTrue(out.toString().contains("--help"), out.toString());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "                                       | Missing command",
        "ech                                    | Did you mean: selkie-demo echo",
        "echo --port                            | Missing required parameter for option '--port'",
        "echo --port 65536                      | 65536 is not a port",
        "echo --port -1                         | -1 is not a port",
        "echo --nope                            | Unknown option: '--nope'",
        "echo --host [not-an-address]           | cannot resolve '[not-an-address]'",
        "echo --max-message-size 0              | '--max-message-size': 0",
        "echo --idle-timeout soon               | 'soon' is not a duration",
        "echo --ping-interval -5s               | '-5s' is not a duration",
        "echo extra                             | Unmatched argument",
        "chat --port x                          | 'x' is not an int",
        "stats --interval 10ms                  | at least 100ms",
        "vote --option Lonely                   | '--option': give 2 to 12 options, not 1",
        "vote --option a --option b --option a  | '--option': an option is given twice",
        "vote --port 70000                      | 70000 is not a port",
        "vote --tls-cert x.pem                  | --tls-cert and --tls-key go together",
        "vote --votes                           | Unknown option: '--votes'",
        "bench-server --loops 0                 | '--loops': 0",
        "bench-server --plain-port 9002         | --plain-port goes with TLS",
        "bench-server --tls-self-signed --plain-port 70000 | '--plain-port': 70000 is not a port",
        "chat --redis 127.0.0.1:6379                | '--redis': '127.0.0.1:6379': not a URI like redis://HOST:PORT",
        "chat --redis http://127.0.0.1:6379         | the scheme must be redis:// or rediss://",
        "chat --redis redis://                      | '--redis': 'redis://'",
        "chat --redis redis://127.0.0.1:99999       | 99999 is not a port",
        "chat --redis redis://127.0.0.1:6379/x      | the path can only be a database number",
        "bench-server --redis redis://a%20b:6379    | '--redis': 'redis://a%20b:6379'",
        "bench-server --redis                       | Missing required parameter for option '--redis'",
        "jobs                                       | No jobs: give at least one allow-listed job",
        "jobs --job df                              | 'df' is not NAME=COMMAND",
        "jobs --job Disk=df                         | invalid job name 'Disk'",
        "jobs --job a=echo --job a=true             | 'a' is given twice",
        "jobs --job a=echo --parallel 0             | '--parallel': 0 (1-32)",
        "jobs --job a=echo --timeout 0              | '--timeout': must be > 0",
        "jobs --job a=echo --timeout soon           | 'soon' is not a duration",
        "jobs --jobs-file /nonexistent/jobs.conf    | cannot read /nonexistent/jobs.conf",
    })
    void badInputIsAUsageErrorWithExitCode2(String args, String message) {
        String[] argv = args == null ? new String[0] : args.trim().split("\\s+");
        assertEquals(2, run(argv), err.toString());
        assertTrue(err.toString().contains(message), err.toString());
        assertTrue(err.toString().contains("Usage: selkie-demo"), "a usage synopsis: " + err);
        assertTrue(err.toString().contains("--help' for more information"), err.toString());
    }

    @ParameterizedTest
    @ValueSource(strings = {"chat", "bench-server"})
    void theServersThatShareTopicsDocumentRedis(String command) {
        assertEquals(0, run(command, "--help"));
        assertTrue(out.toString().contains("--redis=URI"), out.toString());
        assertTrue(out.toString().contains("redis://127.0.0.1:6379"), out.toString());
    }

    @org.junit.jupiter.api.Test
    void jobsSaysItRunsTheAllowListedLocalCommandsOnly() {
        assertEquals(0, run("jobs", "--help"));
        assertTrue(out.toString().contains("ONLY the allow-listed local commands"), out.toString());
        assertTrue(out.toString().contains("--job=NAME=COMMAND"), out.toString());
    }

    @org.junit.jupiter.api.Test
    void voteHelpSaysVotesLiveInMemoryAndHowToAnnounce() {
        assertEquals(0, run("vote", "--help"));
        String help = out.toString().replaceAll("\\s+", " ");
        assertTrue(help.contains("not a restart of the server"), help);
        assertTrue(help.contains("--option=NAME"), help);
        assertTrue(help.contains("/notify"), help);
        assertTrue(help.contains("--tls-self-signed"), help);
    }

    @ParameterizedTest
    @ValueSource(strings = {"--version", "-V"})
    void versionIsPrinted(String flag) {
        assertEquals(0, run(flag));
        assertTrue(out.toString().startsWith("selkie-demo 0."), out.toString());
    }
}
