package dev.selkie.demo.jobs;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * One allow-listed job: a name and a command template, {@code disk=df -h {target}}, split into an
 * argument vector once, when the option is parsed. No shell ever runs it: words are separated by
 * whitespace, single or double quotes group words with spaces ({@code 'a b'}), and {@value #PLACEHOLDER}
 * is replaced by the target inside its word, which so stays one argument whatever the target holds
 * (targets are checked by {@link Targets} as well). A template without the placeholder runs the same
 * command for every target.
 */
public record JobTemplate(String name, List<String> argv) {
    /** Where the target goes. */
    public static final String PLACEHOLDER = "{target}";

    private static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9_-]{0,31}");

    public JobTemplate {
        argv = List.copyOf(argv);
        if (!NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("invalid job name '" + name + "': 1-32 of a-z, 0-9, '_', '-'");
        }
        if (argv.isEmpty()) {
            throw new IllegalArgumentException("the job '" + name + "' has no command");
        }
    }

    /**
     * Parses {@code NAME=COMMAND ARG...}.
     *
     * @throws IllegalArgumentException with a message fit for a usage error
     */
    public static JobTemplate parse(String spec) {
        int eq = spec.indexOf('=');
        if (eq <= 0) {
            throw new IllegalArgumentException("'" + spec + "' is not NAME=COMMAND, e.g. 'disk=df -h {target}'");
        }
        return new JobTemplate(spec.substring(0, eq).strip(), split(spec.substring(eq + 1)));
    }

    /** The argument vector for {@code target}: the placeholder replaced within its word. */
    public List<String> argv(String target) {
        Targets.check(target);
        List<String> out = new ArrayList<>(argv.size());
        for (String word : argv) {
            out.add(word.replace(PLACEHOLDER, target));
        }
        return out;
    }

    /** The command as a person reads it, e.g. {@code df -h {target}}. */
    public String display() {
        return display(argv);
    }

    /** An argument vector as a person reads it: words with spaces or quotes in single quotes. */
    static String display(List<String> words) {
        StringBuilder sb = new StringBuilder();
        for (String w : words) {
            if (sb.length() > 0) {
                sb.append(' ');
            }
            boolean plain = !w.isEmpty() && w.chars().noneMatch(c -> Character.isWhitespace(c) || c == '\'' || c == '"');
            sb.append(plain ? w : "'" + w.replace("'", "'\"'\"'") + "'");
        }
        return sb.toString();
    }

    static List<String> split(String command) {
        List<String> words = new ArrayList<>();
        StringBuilder word = new StringBuilder();
        boolean inWord = false;
        char quote = 0;
        for (int i = 0; i < command.length(); i++) {
            char c = command.charAt(i);
            if (quote != 0) {
                if (c == quote) {
                    quote = 0;
                } else {
                    word.append(c);
                }
            } else if (c == '\'' || c == '"') {
                quote = c;
                inWord = true;
            } else if (Character.isWhitespace(c)) {
                if (inWord) {
                    words.add(word.toString());
                    word.setLength(0);
                    inWord = false;
                }
            } else {
                word.append(c);
                inWord = true;
            }
        }
        if (quote != 0) {
            throw new IllegalArgumentException("unterminated " + quote + " in '" + command + "'");
        }
        if (inWord) {
            words.add(word.toString());
        }
        return words;
    }
}
