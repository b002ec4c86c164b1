package dev.selkie.demo.jobs;

import dev.selkie.demo.json.JsonException;
import dev.selkie.demo.json.Json;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The jobs page's JSON messages; all of the JSON handling of the jobs demo is here.
 *
 * <p>Client to server: {@code {"type":"run","job":"disk","targets":"web[1-3]"}} and {@code {"type":"cancel"}}.
 * Server to client: {@code hello}, {@code start}, {@code status}, {@code output}, {@code done} and {@code
 * error}; each carries {@code text}, the line to show in the terminal with its ANSI colours (no line end).
 */
public final class JobsProtocol {
    /** Longest raw client message, in UTF-16 units (checked before parsing). */
    public static final int MAX_RAW_LENGTH = 2048;

    static final String RESET = "\u001b[0m";
    static final String BOLD = "\u001b[1m";
    static final String DIM = "\u001b[2m";
    static final String RED = "\u001b[31m";
    static final String GREEN = "\u001b[32m";
    static final String YELLOW = "\u001b[33m";
    static final String MAGENTA = "\u001b[35m";
    static final String CYAN = "\u001b[36m";

    private JobsProtocol() {
    }

    /** A parsed client message. */
    public sealed interface Request permits Run, Cancel {
    }

    /** Run an allow-listed job for these (validated) targets. */
    public record Run(JobTemplate job, List<String> targets) implements Request {
    }

    /** Cancel the running job. */
    public record Cancel() implements Request {
    }

    /**
     * Parses and validates a client message against the allow-list.
     *
     * @throws IllegalArgumentException with a message fit to show to the user
     */
    public static Request parse(String raw, Map<String, JobTemplate> jobs) {
        if (raw.length() > MAX_RAW_LENGTH) {
            throw new IllegalArgumentException("message too large: at most " + MAX_RAW_LENGTH + " characters of JSON");
        }
        Map<String, Object> fields;
        try {
            fields = Json.parseObject(raw);
        } catch (JsonException e) {
            throw new IllegalArgumentException(e.getMessage());
        }
        Object type = fields.get("type");
        if (!(type instanceof String)) {
            throw new IllegalArgumentException("field \"type\" is required and must be a string");
        }
        switch ((String) type) {
            case "cancel":
                onlyFields(fields, Set.of("type"), "a cancel has only \"type\"");
                return new Cancel();
            case "run": {
                onlyFields(fields, Set.of("type", "job", "targets"), "a run has \"type\", \"job\" and \"targets\"");
                String name = string(fields, "job");
                JobTemplate job = jobs.get(name);
                if (job == null) {
                    throw new IllegalArgumentException("unknown job '" + Targets.printable(name)
                            + "': only the allow-listed jobs run (" + String.join(", ", jobs.keySet()) + ")");
                }
                return new Run(job, Targets.parse(string(fields, "targets")));
            }
            default:
                throw new IllegalArgumentException("unknown message type \"" + Targets.printable((String) type)
                        + "\"; expected \"run\" or \"cancel\"");
        }
    }

    private static void onlyFields(Map<String, Object> fields, Set<String> allowed, String what) {
        for (String key : fields.keySet()) {
            if (!allowed.contains(key)) {
                throw new IllegalArgumentException("unknown field \"" + Targets.printable(key) + "\"; " + what);
            }
        }
    }

    private static String string(Map<String, Object> fields, String key) {
        Object v = fields.get(key);
        if (!(v instanceof String)) {
            throw new IllegalArgumentException("field \"" + key + "\" is required and must be a string");
        }
        return (String) v;
    }

    /** Sent on connect: the jobs there are and the limits. */
    public static String hello(Collection<JobTemplate> jobs, String timeout, int parallel) {
        List<String> names = jobs.stream().map(JobTemplate::name).toList();
        List<String> commands = jobs.stream().map(JobTemplate::display).toList();
        return Json.object(o -> o.put("type", "hello").putObject("jobs", names).putObject("commands", commands)
                .put("timeout", timeout).put("parallel", parallel)
                .put("text", BOLD + "Selkie jobs" + RESET + DIM + ": runs only the allow-listed local commands ("
                        + String.join(", ", names) + "), " + parallel + " at a time, " + timeout + " each." + RESET));
    }

    /** A job starts. */
    public static String start(JobTemplate job, List<String> targets) {
        return Json.object(o -> o.put("type", "start").put("job", job.name()).putObject("targets", targets)
                .put("text", BOLD + "$ " + job.display() + RESET + DIM + "  for " + targets.size() + " target"
                        + (targets.size() == 1 ? "" : "s") + ": " + String.join(", ", targets) + RESET));
    }

    /** One line a target's process printed (control characters already removed). */
    public static String output(String target, String line) {
        return Json.object(o -> o.put("type", "output").put("target", target).put("line", line)
                .put("text", DIM + "[" + target + "]" + RESET + " " + line));
    }

    /** A target started ({@code running}) or ended: {@code ok}, {@code failed}, {@code timeout}, {@code cancelled}. */
    public static String status(String target, String state, Integer exitCode, String detail) {
        String colour;
        String words;
        switch (state) {
            case "running":
                colour = CYAN;
                words = "running " + detail;
                break;
            case "ok":
                colour = GREEN;
                words = "ok (exit 0)";
                break;
            case "failed":
                colour = RED;
                words = exitCode != null ? "failed with exit code " + exitCode : "failed: " + detail;
                break;
            case "timeout":
                colour = YELLOW;
                words = "timed out after " + detail + ", killed";
                break;
            default:
                colour = MAGENTA;
                words = "cancelled, killed";
                break;
        }
        String text = colour + BOLD + "[" + target + "] " + RESET + colour + words + RESET;
        return Json.object(o -> {
            o.put("type", "status").put("target", target).put("state", state);
            if (exitCode != null) {
                o.put("exit", exitCode.longValue());
            }
            o.put("text", text);
        });
    }

    /** The job ended. */
    public static String done(int ok, int failed, int timedOut, int cancelled) {
        String summary = ok + " ok, " + failed + " failed, " + timedOut + " timed out"
                + (cancelled > 0 ? ", " + cancelled + " cancelled" : "");
        String colour = failed + timedOut + cancelled == 0 ? GREEN : failed > 0 ? RED : YELLOW;
        return Json.object(o -> o.put("type", "done").put("ok", ok).put("failed", failed).put("timedOut", timedOut)
                .put("cancelled", cancelled).put("text", colour + BOLD + "done: " + summary + RESET));
    }

    /** A refused message; nothing ran. */
    public static String error(String message) {
        return Json.object(o -> o.put("type", "error").put("error", message)
                .put("text", RED + BOLD + "error: " + RESET + RED + message + RESET));
    }
}
