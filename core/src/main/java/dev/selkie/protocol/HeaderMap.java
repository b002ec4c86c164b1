package dev.selkie.protocol;

import java.nio.charset.StandardCharsets;
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
 *
 * <p>A map made by {@link HttpRequestParser} is compact: it keeps the received header lines as one
 * byte array and answers {@link #first}, {@link #tokens}, {@link #hasToken} and {@link #size} by
 * scanning them, so an open connection that nobody asks about its headers retains one small array.
 * The name-to-values maps behind {@link #asMap()} are built on its first call (or of {@link #add})
 * and kept from then on; building them is safe from any thread. {@link #all} scans as well.
 */
public final class HeaderMap {
    /** The header lines as received (validated by the parser), or null for a map built by {@link #add}. */
    private final byte[] raw;
    private final int rawFrom;
    private final int rawTo;
    private final int rawSize;
    /** The materialised maps; for a compact map null until first needed. */
    private volatile Fields fields;

    /** Creates an empty map. */
    public HeaderMap() {
        this.raw = null;
        this.rawFrom = 0;
        this.rawTo = 0;
        this.rawSize = 0;
        this.fields = new Fields();
    }

    /**
     * A compact map over {@code raw[from, to)}: header lines as validated by {@link
     * HttpRequestParser} (each {@code name:value} ending in LF or CRLF; the name a token, the value
     * free of CR, LF and other control characters but tab). The array is kept, not copied.
     */
    HeaderMap(byte[] raw, int from, int to, int size) {
        this.raw = raw;
        this.rawFrom = from;
        this.rawTo = to;
        this.rawSize = size;
    }

    /** Adds a field. */
    public void add(String name, String value) {
        String key = lower(name);
        String trimmed = trimOws(Objects.requireNonNull(value, "value"));
        fields().add(key, trimmed);
    }

    /** The first value of the field, or null. */
    public String first(String name) {
        Fields f = fields;
        if (f != null) {
            List<String> list = f.values.get(lower(name));
            return list == null ? null : list.get(0);
        }
        int line = findLine(name, rawFrom);
        return line < 0 ? null : latin1(valueStart(line), valueEnd(line));
    }

    /**
     * Copies the first value of the field, as Latin-1 bytes, into {@code dst} when it fits (nothing
     * is copied otherwise) without making a String: for the server's hot path.
     *
     * @return the value's length in bytes (chars), or -1 if the field is absent
     */
    int copyFirst(String name, byte[] dst) {
        Fields f = fields;
        if (f != null) {
            List<String> list = f.values.get(lower(name));
            if (list == null) {
                return -1;
            }
            String value = list.get(0);
            int n = value.length();
            if (n <= dst.length) {
                for (int i = 0; i < n; i++) {
                    dst[i] = (byte) value.charAt(i);
                }
            }
            return n;
        }
        int line = findLine(name, rawFrom);
        if (line < 0) {
            return -1;
        }
        int from = valueStart(line);
        int n = valueEnd(line) - from;
        if (n <= dst.length) {
            System.arraycopy(raw, from, dst, 0, n);
        }
        return n;
    }

    /** All values of the field, unmodifiable; empty if absent. A compact map stays compact. */
    public List<String> all(String name) {
        Fields f = fields;
        if (f != null) {
            List<String> list = f.readOnlyValues.get(lower(name));
            return list == null ? List.of() : list;
        }
        int line = findLine(name, rawFrom);
        if (line < 0) {
            return List.of();
        }
        int next = findLine(name, nextLine(line));
        if (next < 0) {
            return List.of(latin1(valueStart(line), valueEnd(line)));
        }
        List<String> values = new ArrayList<>(2);
        for (; line >= 0; line = findLine(name, nextLine(line))) {
            values.add(latin1(valueStart(line), valueEnd(line)));
        }
        return Collections.unmodifiableList(values);
    }

    /**
     * The comma-separated elements of every value of the field, trimmed, empty ones dropped (e.g.
     * {@code Connection: keep-alive, Upgrade} gives {@code [keep-alive, Upgrade]}).
     */
    public List<String> tokens(String name) {
        Fields f = fields;
        if (f != null) {
            List<String> list = f.values.get(lower(name));
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
        List<String> tokens = null;
        for (int line = findLine(name, rawFrom); line >= 0; line = findLine(name, nextLine(line))) {
            int end = valueEnd(line);
            int start = valueStart(line);
            while (start <= end) {
                int stop = commaOrEnd(start, end);
                int from = skipOws(start, stop);
                int to = trimOwsEnd(from, stop);
                if (from < to) {
                    if (tokens == null) {
                        tokens = new ArrayList<>(2);
                    }
                    tokens.add(latin1(from, to));
                }
                start = stop + 1;
            }
        }
        return tokens == null ? List.of() : tokens;
    }

    /** Whether {@link #tokens(String)} contains {@code token}, case-insensitively. */
    public boolean hasToken(String name, String token) {
        if (fields != null) {
            for (String element : tokens(name)) {
                if (element.equalsIgnoreCase(token)) {
                    return true;
                }
            }
            return false;
        }
        for (int line = findLine(name, rawFrom); line >= 0; line = findLine(name, nextLine(line))) {
            int end = valueEnd(line);
            int start = valueStart(line);
            while (start <= end) {
                int stop = commaOrEnd(start, end);
                int from = skipOws(start, stop);
                int to = trimOwsEnd(from, stop);
                if (from < to && equalsIgnoreCase(from, to, token)) {
                    return true;
                }
                start = stop + 1;
            }
        }
        return false;
    }

    /** The number of fields named {@code name} (case-insensitively). */
    public int count(String name) {
        Fields f = fields;
        if (f != null) {
            List<String> list = f.values.get(lower(name));
            return list == null ? 0 : list.size();
        }
        int count = 0;
        for (int line = findLine(name, rawFrom); line >= 0; line = findLine(name, nextLine(line))) {
            count++;
        }
        return count;
    }

    /** Whether the field occurs exactly once and its (trimmed) value equals {@code value} exactly. */
    boolean isSingleValue(String name, String value) {
        Fields f = fields;
        if (f != null) {
            List<String> list = f.values.get(lower(name));
            return list != null && list.size() == 1 && list.get(0).equals(value);
        }
        int line = findLine(name, rawFrom);
        if (line < 0 || findLine(name, nextLine(line)) >= 0) {
            return false;
        }
        int from = valueStart(line);
        int to = valueEnd(line);
        if (to - from != value.length()) {
            return false;
        }
        for (int i = 0; i < value.length(); i++) {
            if ((raw[from + i] & 0xFF) != value.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    /** An unmodifiable view: lower-case name to values. */
    public Map<String, List<String>> asMap() {
        return fields().view;
    }

    /** Number of field lines. */
    public int size() {
        Fields f = fields;
        return f != null ? f.size : rawSize;
    }

    @Override
    public String toString() {
        return fields().values.toString();
    }

    /** Whether the name-to-values maps have been built (for tests of the compact form). */
    boolean materialised() {
        return fields != null;
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

    // ------------------------------------------------------------------------------------------
    // Materialised form

    private Fields fields() {
        Fields f = fields;
        if (f == null) {
            synchronized (this) {
                f = fields;
                if (f == null) {
                    f = new Fields();
                    for (int line = rawFrom; line < rawTo; line = nextLine(line)) {
                        int colon = indexOf(':', line, rawTo);
                        f.add(latin1(line, colon).toLowerCase(Locale.ROOT),
                                latin1(valueStart(line), valueEnd(line)));
                    }
                    fields = f;
                }
            }
        }
        return f;
    }

    /** The name-to-values maps; the read-only lists are live views of the mutable ones. */
    private static final class Fields {
        final Map<String, List<String>> values = new LinkedHashMap<>();
        final Map<String, List<String>> readOnlyValues = new LinkedHashMap<>();
        final Map<String, List<String>> view = Collections.unmodifiableMap(readOnlyValues);
        int size;

        void add(String key, String value) {
            List<String> list = values.get(key);
            if (list == null) {
                list = new ArrayList<>(1);
                values.put(key, list);
                readOnlyValues.put(key, Collections.unmodifiableList(list));
            }
            list.add(value);
            size++;
        }
    }

    // ------------------------------------------------------------------------------------------
    // Compact form: scanning the header lines. A "line" is the index of its first byte.

    /** The first line at or after {@code line} whose name is {@code name} (ignoring case), or -1. */
    private int findLine(String name, int line) {
        String key = isAscii(Objects.requireNonNull(name, "name")) ? name : lower(name);
        int n = key.length();
        while (line < rawTo) {
            if (line + n < rawTo && raw[line + n] == ':' && nameMatches(line, key)) {
                return line;
            }
            line = nextLine(line);
        }
        return -1;
    }

    /**
     * Whether the bytes at {@code from} are {@code key} ignoring ASCII case. The stored names are
     * ASCII tokens; a non-ASCII lookup name has gone through {@link #lower} first, as in the
     * materialised form, so both forms find the same fields.
     */
    private boolean nameMatches(int from, String key) {
        for (int i = 0; i < key.length(); i++) {
            char c = key.charAt(i);
            if (c >= 0x80 || toLowerAscii(c) != toLowerAscii(raw[from + i] & 0xFF)) {
                return false;
            }
        }
        return true;
    }

    /** {@link String#equalsIgnoreCase} of the Latin-1 bytes {@code raw[from, to)} and {@code s}. */
    private boolean equalsIgnoreCase(int from, int to, String s) {
        if (to - from != s.length()) {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            char a = (char) (raw[from + i] & 0xFF);
            char b = s.charAt(i);
            if (a == b) {
                continue;
            }
            char ua = Character.toUpperCase(a);
            char ub = Character.toUpperCase(b);
            if (ua != ub && Character.toLowerCase(ua) != Character.toLowerCase(ub)) {
                return false;
            }
        }
        return true;
    }

    private int nextLine(int line) {
        int lf = indexOf('\n', line, rawTo);
        return lf < 0 ? rawTo : lf + 1;
    }

    private int valueStart(int line) {
        int colon = indexOf(':', line, rawTo);
        return skipOws(colon + 1, lineEnd(line));
    }

    private int valueEnd(int line) {
        int end = lineEnd(line);
        return trimOwsEnd(valueStart(line), end);
    }

    /** The end of the line's content: before its LF or CRLF. */
    private int lineEnd(int line) {
        int lf = indexOf('\n', line, rawTo);
        int end = lf < 0 ? rawTo : lf;
        return end > line && raw[end - 1] == '\r' ? end - 1 : end;
    }

    private int skipOws(int from, int to) {
        while (from < to && (raw[from] == ' ' || raw[from] == '\t')) {
            from++;
        }
        return from;
    }

    private int trimOwsEnd(int from, int to) {
        while (to > from && (raw[to - 1] == ' ' || raw[to - 1] == '\t')) {
            to--;
        }
        return to;
    }

    /** The index of {@code b} in {@code raw[from, to)}, or -1. */
    private int indexOf(char b, int from, int to) {
        for (int i = from; i < to; i++) {
            if (raw[i] == b) {
                return i;
            }
        }
        return -1;
    }

    /** The index of the first comma in {@code raw[from, to)}, or {@code to}. */
    private int commaOrEnd(int from, int to) {
        int comma = indexOf(',', from, to);
        return comma < 0 ? to : comma;
    }

    private static boolean isAscii(String s) {
        for (int i = 0; i < s.length(); i++) {
            if (s.charAt(i) >= 0x80) {
                return false;
            }
        }
        return true;
    }

    private static int toLowerAscii(int c) {
        return c >= 'A' && c <= 'Z' ? c + ('a' - 'A') : c;
    }

    private String latin1(int from, int to) {
        return new String(raw, from, to - from, StandardCharsets.ISO_8859_1);
    }
}
