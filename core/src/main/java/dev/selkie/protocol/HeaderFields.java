package dev.selkie.protocol;

import java.util.AbstractMap;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * The header fields of a response the server writes, as an immutable ordered list of name/value
 * pairs in which a name may repeat (two {@code Set-Cookie}). Every field is checked when it is
 * added, by one rule for every response the server writes: the name must be a token, the value
 * must have no control character but tab (so no CR or LF: a response can never be split) and no
 * character above U+00FF, and the name must not be one the server writes itself ({@link Reserved});
 * otherwise {@link IllegalArgumentException}.
 *
 * <p>As a {@link Map} it is an unmodifiable view from name to values: the fields grouped by name
 * regardless of case, each group under the spelling of its first field, groups in the order of
 * their first field, values in the order added. The view is built on first use.
 */
public final class HeaderFields extends AbstractMap<String, List<String>> {
    /** No fields. */
    public static final HeaderFields EMPTY = new HeaderFields(new String[0]);

    /** Header names the server computes itself, which a caller must not set. */
    public enum Reserved {
        /** Of a complete response: {@code Connection}, {@code Content-Length}, {@code Transfer-Encoding}. */
        FRAMING("Connection", "Content-Length", "Transfer-Encoding"),
        /**
         * Of a 101 Switching Protocols: those of {@link #FRAMING}, {@code Upgrade}, {@code
         * Sec-WebSocket-Accept}, {@code Sec-WebSocket-Protocol} and {@code Sec-WebSocket-Extensions}.
         */
        HANDSHAKE("Connection", "Content-Length", "Transfer-Encoding", "Upgrade", "Sec-WebSocket-Accept",
                "Sec-WebSocket-Protocol", "Sec-WebSocket-Extensions");

        private final String[] names;

        Reserved(String... names) {
            this.names = names;
        }

        /** Whether {@code name} is one of these (regardless of case). */
        public boolean contains(String name) {
            for (String reserved : names) {
                if (reserved.equalsIgnoreCase(name)) {
                    return true;
                }
            }
            return false;
        }

        /**
         * Refuses {@code name} if it is one of these.
         *
         * @throws IllegalArgumentException if it is
         */
        public void check(String name) {
            if (contains(name)) {
                throw new IllegalArgumentException(name + " is set by the server and cannot be given");
            }
        }
    }

    /** name0, value0, name1, value1, ... */
    private final String[] fields;
    /** The name-to-values view, made on first use; safely published (unmodifiable wrappers, final fields). */
    private Set<Entry<String, List<String>>> entries;

    private HeaderFields(String[] fields) {
        this.fields = fields;
    }

    /**
     * The entries of {@code headers}, in its iteration order.
     *
     * @throws IllegalArgumentException if a field breaks the rule (see the class comment)
     */
    public static HeaderFields of(Map<String, String> headers, Reserved reserved) {
        if (headers == null || headers.isEmpty()) {
            return EMPTY;
        }
        return EMPTY.withAll(headers, reserved);
    }

    /**
     * A list of fields with the same names and values as {@code headers}: itself if it is one,
     * else its entries, checked as names and values (which names are the encoder's own is for the
     * encoder to check).
     *
     * @throws IllegalArgumentException if a name is not a token or a value is not a field value
     */
    public static HeaderFields from(Map<String, List<String>> headers) {
        if (headers == null) {
            return EMPTY;
        }
        if (headers instanceof HeaderFields fields) {
            return fields;
        }
        List<String> pairs = new ArrayList<>();
        for (Map.Entry<String, List<String>> e : headers.entrySet()) {
            for (String value : e.getValue()) {
                check(e.getKey(), value, null);
                pairs.add(e.getKey());
                pairs.add(value);
            }
        }
        return new HeaderFields(pairs.toArray(new String[0]));
    }

    /**
     * These fields and one more at the end.
     *
     * @throws IllegalArgumentException if the field breaks the rule (see the class comment)
     */
    public HeaderFields with(String name, String value, Reserved reserved) {
        check(name, value, reserved);
        String[] more = Arrays.copyOf(fields, fields.length + 2);
        more[fields.length] = name;
        more[fields.length + 1] = value;
        return new HeaderFields(more);
    }

    /**
     * These fields and the entries of {@code headers} at the end, in its iteration order.
     *
     * @throws IllegalArgumentException if a field breaks the rule (see the class comment)
     */
    public HeaderFields withAll(Map<String, String> headers, Reserved reserved) {
        Objects.requireNonNull(headers, "headers");
        String[] more = Arrays.copyOf(fields, fields.length + 2 * headers.size());
        int i = fields.length;
        for (Map.Entry<String, String> e : headers.entrySet()) {
            check(e.getKey(), e.getValue(), reserved);
            more[i++] = e.getKey();
            more[i++] = e.getValue();
        }
        return i == more.length ? new HeaderFields(more) : new HeaderFields(Arrays.copyOf(more, i));
    }

    /** The number of fields (not of names). */
    public int fieldCount() {
        return fields.length / 2;
    }

    /** The name of field {@code i}, as given. */
    public String name(int i) {
        return fields[2 * i];
    }

    /** The value of field {@code i}. */
    public String value(int i) {
        return fields[2 * i + 1];
    }

    @Override
    public Set<Entry<String, List<String>>> entrySet() {
        Set<Entry<String, List<String>>> view = entries;
        if (view == null) {
            Map<String, String> spelling = new HashMap<>(); // lower case to the first field's spelling
            Map<String, List<String>> byName = new LinkedHashMap<>();
            for (int i = 0; i < fields.length; i += 2) {
                String name = fields[i];
                String key = spelling.computeIfAbsent(name.toLowerCase(Locale.ROOT), lower -> name);
                byName.computeIfAbsent(key, k -> new ArrayList<>(1)).add(fields[i + 1]);
            }
            byName.replaceAll((name, values) -> Collections.unmodifiableList(values));
            view = Collections.unmodifiableMap(byName).entrySet();
            entries = view;
        }
        return view;
    }

    /**
     * Checks one field by the rule of the class comment.
     *
     * @throws IllegalArgumentException if it breaks it
     */
    public static void check(String name, String value, Reserved reserved) {
        checkName(name);
        checkValue(name, value);
        checkReserved(name, reserved);
    }

    private static void checkReserved(String name, Reserved reserved) {
        if (reserved != null) {
            reserved.check(name);
        }
    }

    /**
     * Checks that {@code name} is a token.
     *
     * @throws IllegalArgumentException if not
     */
    public static void checkName(String name) {
        if (name == null || !HttpChars.isToken(name)) {
            throw new IllegalArgumentException("header name is not a token: " + (name == null ? null
                    : name.replace("\r", "\\r").replace("\n", "\\n")));
        }
    }

    /**
     * Checks that {@code value} is a valid value of the header {@code name}: no control characters
     * but tab, nothing above U+00FF.
     *
     * @throws IllegalArgumentException if not
     */
    public static void checkValue(String name, String value) {
        if (value == null) {
            throw new IllegalArgumentException("header " + name + " has no value");
        }
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c == '\r' || c == '\n') {
                throw new IllegalArgumentException("CR or LF in the value of header " + name);
            }
            if (!HttpChars.isFieldValueChar(c)) {
                throw new IllegalArgumentException("invalid character U+" + Integer.toHexString(c)
                        + " in the value of header " + name);
            }
        }
    }
}
