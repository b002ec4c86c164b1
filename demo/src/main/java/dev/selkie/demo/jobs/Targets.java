package dev.selkie.demo.jobs;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Parses a target list such as {@code host1,host2} or a range such as {@code web[1-3]} (also
 * {@code web[01-12].lan}, zero-padded when the bounds are) into the targets a job runs for. Every target
 * must match {@value #TARGET_PATTERN}: letters, digits, {@code . _ -}, so no shell metacharacter, space
 * or option-looking {@code -x} prefix ever reaches a command; at most {@value #MAX_TARGETS} targets.
 */
public final class Targets {
    /** What one target may be. */
    public static final String TARGET_PATTERN = "[A-Za-z0-9._][A-Za-z0-9._-]{0,63}";
    /** Most targets of one job. */
    public static final int MAX_TARGETS = 32;
    /** Longest target expression. */
    public static final int MAX_LENGTH = 1000;

    private static final Pattern TARGET = Pattern.compile(TARGET_PATTERN);
    private static final Pattern RANGE = Pattern.compile("([^\\[\\]]*)\\[(\\d{1,4})-(\\d{1,4})\\]([^\\[\\]]*)");

    private Targets() {
    }

    /**
     * @param expression comma-separated items, each a target or {@code prefix[FROM-TO]suffix}
     * @return the targets in the order given, duplicates removed
     * @throws IllegalArgumentException with a message fit to show to the user
     */
    public static List<String> parse(String expression) {
        if (expression == null || expression.isBlank()) {
            throw new IllegalArgumentException("no targets: give a list like host1,host2 or a range like web[1-3]");
        }
        if (expression.length() > MAX_LENGTH) {
            throw new IllegalArgumentException("the target list is too long: at most " + MAX_LENGTH + " characters");
        }
        Set<String> targets = new LinkedHashSet<>();
        for (String raw : expression.split(",", -1)) {
            String item = raw.strip();
            if (item.isEmpty()) {
                throw new IllegalArgumentException("an empty item in the target list");
            }
            for (String target : expand(item)) {
                check(target);
                targets.add(target);
                if (targets.size() > MAX_TARGETS) {
                    throw new IllegalArgumentException("too many targets: at most " + MAX_TARGETS);
                }
            }
        }
        return List.copyOf(targets);
    }

    /** Checks one target against {@link #TARGET_PATTERN}. */
    public static String check(String target) {
        if (!TARGET.matcher(target).matches()) {
            throw new IllegalArgumentException("invalid target '" + printable(target) + "': 1-64 letters, digits, "
                    + "'.', '_' or '-' (not first)");
        }
        return target;
    }

    private static List<String> expand(String item) {
        if (item.indexOf('[') < 0 && item.indexOf(']') < 0) {
            return List.of(item);
        }
        Matcher m = RANGE.matcher(item);
        if (!m.matches()) {
            throw new IllegalArgumentException("invalid range '" + printable(item) + "': one [FROM-TO] with digits, "
                    + "e.g. web[1-3]");
        }
        String fromText = m.group(2);
        String toText = m.group(3);
        int from = Integer.parseInt(fromText);
        int to = Integer.parseInt(toText);
        if (from > to) {
            throw new IllegalArgumentException("invalid range '" + printable(item) + "': " + from + " is after " + to);
        }
        if (to - from + 1 > MAX_TARGETS) {
            throw new IllegalArgumentException("too many targets: at most " + MAX_TARGETS);
        }
        int width = fromText.length() > 1 && fromText.startsWith("0") ? fromText.length() : 0;
        List<String> out = new ArrayList<>();
        for (int i = from; i <= to; i++) {
            String n = width > 0 ? String.format("%0" + width + "d", i) : Integer.toString(i);
            out.add(m.group(1) + n + m.group(4));
        }
        return out;
    }

    /** {@code s} with control characters shown as {@code ?}, cut at 70 characters, for error messages. */
    static String printable(String s) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < s.length() && sb.length() < 70; i++) {
            char c = s.charAt(i);
            sb.append(c < 0x20 || c == 0x7f ? '?' : c);
        }
        return sb.length() < s.length() ? sb + "..." : sb.toString();
    }
}
