package dev.selkie.protocol;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * Case-insensitive multi-map of HTTP header fields, in the order received. Names are stored in
 * lower case; values with surrounding white space trimmed.
 */
public final class HeaderMap {
    private final Map<String, List<String>> values = new LinkedHashMap<>();
    private final Map<String, List<String>> readOnlyValues = new LinkedHashMap<>();
    private final Map<String, List<String>> view = Collections.unmodifiableMap(readOnlyValues);
    private int size;

    /** Creates an empty map. */
    public HeaderMap() {
    }

    /** Adds a field. */
    public void add(String name, String value) {
        String key = lower(name);
        String trimmed = trimOws(Objects.requireNonNull(value, "value"));
        List<String> list = values.get(key);
        if (list == null) {
            list = new ArrayList<>(1);
            values.put(key, list);
            readOnlyValues.put(key, Collections.unmodifiableList(list));
        }
        list.add(trimmed);
        size++;
    }

    /** The first value of the field, or null. */
    public String first(String name) {
        List<String> list = values.get(lower(name));
        return list == null ? null : list.get(0);
    }

    /** All values of the field; empty if absent. */
    public List<String> all(String name) {
        List<String> list = readOnlyValues.get(lower(name));
        return list == null ? List.of() : list;
    }

    /**
     * The comma-separated elements of every value of the field, trimmed, empty ones dropped (e.g.
     * {@code Connection: keep-alive, Upgrade} gives {@code [keep-alive, Upgrade]}).
     */
    public List<String> tokens(String name) {
        List<String> list = values.get(lower(name));
        if (list == null) {
            return List.of();
        }
        List<String> tokens = new ArrayList<>();
        for (String value : list) {
            int start = 0;
            while (start <= value.length()) {
                int comma = value.indexOf(',', start);
                int end = comma < 0 ? value.length() : comma;
                String element = trimOws(value.substring(start, end));
                if (!element.isEmpty()) {
                    tokens.add(element);
                }
                start = end + 1;
            }
        }
        return tokens;
    }

    /** Whether {@link #tokens(String)} contains {@code token}, case-insensitively. */
    public boolean hasToken(String name, String token) {
        for (String element : tokens(name)) {
            if (element.equalsIgnoreCase(token)) {
                return true;
            }
        }
        return false;
    }

    /** An unmodifiable view: lower-case name to values. */
    public Map<String, List<String>> asMap() {
        return view;
    }

    /** Number of field lines. */
    public int size() {
        return size;
    }

    @Override
    public String toString() {
        return values.toString();
    }

    /** Removes leading and trailing optional white space (space and horizontal tab, RFC 7230 3.2.3). */
    static String trimOws(String s) {
        int start = 0;
        int end = s.length();
        while (start < end && isOws(s.charAt(start))) {
            start++;
        }
        while (end > start && isOws(s.charAt(end - 1))) {
            end--;
        }
        return s.substring(start, end);
    }

    private static boolean isOws(char c) {
        return c == ' ' || c == '\t';
    }

    private static String lower(String name) {
        return Objects.requireNonNull(name, "name").toLowerCase(Locale.ROOT);
    }
}
