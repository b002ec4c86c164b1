package dev.selkie.demo.json;

import java.util.Collection;

/**
 * Writes one JSON object: string, number, boolean and string-array members, in the order added.
 * Strings are escaped per RFC 8259 (plus U+2028/U+2029 and unpaired surrogates as {@code \\uXXXX}),
 * so the output is always valid JSON and valid UTF-8.
 *
 * <pre>{@code String json = new JsonWriter().put("type", "message").put("text", text).toJson();}</pre>
 */
public final class JsonWriter {
    private static final char[] HEX = "0123456789abcdef".toCharArray();

    private final StringBuilder sb = new StringBuilder(64).append('{');
    private boolean closed;

    /** Adds a string member; {@code null} writes JSON null. */
    public JsonWriter put(String key, String value) {
        key(key);
        if (value == null) {
            sb.append("null");
        } else {
            quote(value);
        }
        return this;
    }

    /** Adds a number member. */
    public JsonWriter put(String key, long value) {
        key(key);
        sb.append(value);
        return this;
    }

    /** Adds a number member; NaN and infinities, which JSON lacks, are written as null. */
    public JsonWriter put(String key, double value) {
        key(key);
        if (Double.isFinite(value)) {
            sb.append(value);
        } else {
            sb.append("null");
        }
        return this;
    }

    /** Adds a boolean member. */
    public JsonWriter put(String key, boolean value) {
        key(key);
        sb.append(value);
        return this;
    }

    /** Adds an array of strings. */
    public JsonWriter put(String key, Collection<String> values) {
        key(key);
        sb.append('[');
        boolean first = true;
        for (String v : values) {
            if (!first) {
                sb.append(',');
            }
            first = false;
            quote(v);
        }
        sb.append(']');
        return this;
    }

    /** The finished object; the writer cannot be used afterwards. */
    public String toJson() {
        if (!closed) {
            sb.append('}');
            closed = true;
        }
        return sb.toString();
    }

    @Override
    public String toString() {
        return toJson();
    }

    private void key(String key) {
        if (closed) {
            throw new IllegalStateException("object already finished");
        }
        if (sb.length() > 1) {
            sb.append(',');
        }
        quote(key);
        sb.append(':');
    }

    private void quote(String s) {
        sb.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"': sb.append("\\\""); break;
                case '\\': sb.append("\\\\"); break;
                case '\n': sb.append("\\n"); break;
                case '\r': sb.append("\\r"); break;
                case '\t': sb.append("\\t"); break;
                case '\b': sb.append("\\b"); break;
                case '\f': sb.append("\\f"); break;
                default:
                    if (c < 0x20 || c == '\u2028' || c == '\u2029' || isUnpairedSurrogate(s, i)) {
                        unicodeEscape(c);
                    } else {
                        sb.append(c);
                    }
            }
        }
        sb.append('"');
    }

    private static boolean isUnpairedSurrogate(String s, int i) {
        char c = s.charAt(i);
        if (Character.isHighSurrogate(c)) {
            return i + 1 >= s.length() || !Character.isLowSurrogate(s.charAt(i + 1));
        }
        if (Character.isLowSurrogate(c)) {
            return i == 0 || !Character.isHighSurrogate(s.charAt(i - 1));
        }
        return false;
    }

    private void unicodeEscape(char c) {
        sb.append("\\u").append(HEX[c >> 12 & 0xF]).append(HEX[c >> 8 & 0xF]).append(HEX[c >> 4 & 0xF])
                .append(HEX[c & 0xF]);
    }
}
