package dev.selkie.demo.json;

import java.math.BigDecimal;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A strict RFC 8259 reader for flat objects: {@code {"key": value, ...}} where each value is a string,
 * number, {@code true}, {@code false} or {@code null}. Nested objects and arrays, duplicate keys,
 * unpaired surrogates, raw control characters, leading zeros, trailing commas and trailing content are
 * rejected. Numbers become {@link BigDecimal} (exact), {@code null} a null value.
 */
public final class JsonReader {
    private final String in;
    private int pos;

    private JsonReader(String in) {
        this.in = in;
    }

    /** Parses one flat object (insignificant whitespace allowed around it). */
    public static Map<String, Object> parseObject(String json) throws JsonException {
        JsonReader r = new JsonReader(json);
        r.skipWhitespace();
        Map<String, Object> result = r.object();
        r.skipWhitespace();
        if (r.pos != json.length()) {
            throw r.error("unexpected content after the object");
        }
        return result;
    }

    private Map<String, Object> object() throws JsonException {
        expect('{');
        Map<String, Object> map = new LinkedHashMap<>();
        skipWhitespace();
        if (peek() == '}') {
            pos++;
            return map;
        }
        while (true) {
            skipWhitespace();
            if (peek() != '"') {
                throw error("expected a string key");
            }
            String key = string();
            if (map.containsKey(key)) {
                throw error("duplicate key \"" + key + "\"");
            }
            skipWhitespace();
            expect(':');
            skipWhitespace();
            map.put(key, value());
            skipWhitespace();
            int c = next();
            if (c == '}') {
                return map;
            }
            if (c != ',') {
                pos--;
                throw error("expected ',' or '}'");
            }
        }
    }

    private Object value() throws JsonException {
        int c = peek();
        switch (c) {
            case '"':
                return string();
            case 't':
                literal("true");
                return Boolean.TRUE;
            case 'f':
                literal("false");
                return Boolean.FALSE;
            case 'n':
                literal("null");
                return null;
            case '{':
            case '[':
                throw error("nested objects and arrays are not accepted");
            default:
                if (c == '-' || (c >= '0' && c <= '9')) {
                    return number();
                }
                throw error(c < 0 ? "unexpected end of input" : "unexpected character");
        }
    }

    private String string() throws JsonException {
        expect('"');
        StringBuilder sb = new StringBuilder();
        while (true) {
            int c = next();
            if (c < 0) {
                throw error("unterminated string");
            } else if (c == '"') {
                return sb.toString();
            } else if (c == '\\') {
                escape(sb);
            } else if (c < 0x20) {
                pos--;
                throw error("control character in a string must be escaped");
            } else if (Character.isHighSurrogate((char) c)) {
                int low = next();
                if (low < 0 || !Character.isLowSurrogate((char) low)) {
                    throw error("unpaired surrogate");
                }
                sb.append((char) c).append((char) low);
            } else if (Character.isLowSurrogate((char) c)) {
                throw error("unpaired surrogate");
            } else {
                sb.append((char) c);
            }
        }
    }

    private void escape(StringBuilder sb) throws JsonException {
        int c = next();
        switch (c) {
            case '"': sb.append('"'); break;
            case '\\': sb.append('\\'); break;
            case '/': sb.append('/'); break;
            case 'b': sb.append('\b'); break;
            case 'f': sb.append('\f'); break;
            case 'n': sb.append('\n'); break;
            case 'r': sb.append('\r'); break;
            case 't': sb.append('\t'); break;
            case 'u':
                char unit = hex4();
                if (Character.isHighSurrogate(unit)) {
                    if (next() != '\\' || next() != 'u') {
                        throw error("unpaired surrogate escape");
                    }
                    char low = hex4();
                    if (!Character.isLowSurrogate(low)) {
                        throw error("unpaired surrogate escape");
                    }
                    sb.append(unit).append(low);
                } else if (Character.isLowSurrogate(unit)) {
                    throw error("unpaired surrogate escape");
                } else {
                    sb.append(unit);
                }
                break;
            default:
                throw error("invalid escape");
        }
    }

    private char hex4() throws JsonException {
        int value = 0;
        for (int i = 0; i < 4; i++) {
            int d = Character.digit(next(), 16);
            if (d < 0) {
                throw error("invalid \\u escape");
            }
            value = value << 4 | d;
        }
        return (char) value;
    }

    private BigDecimal number() throws JsonException {
        int start = pos;
        if (peek() == '-') {
            pos++;
        }
        if (peek() == '0') {
            pos++;
            if (isDigit(peek())) {
                throw error("leading zeros are not allowed");
            }
        } else if (!digits()) {
            throw error("invalid number");
        }
        if (peek() == '.') {
            pos++;
            if (!digits()) {
                throw error("invalid number: digits expected after '.'");
            }
        }
        if (peek() == 'e' || peek() == 'E') {
            pos++;
            if (peek() == '+' || peek() == '-') {
                pos++;
            }
            if (!digits()) {
                throw error("invalid number: digits expected in the exponent");
            }
        }
        if (pos - start > 100) {
            throw error("number too long");
        }
        return new BigDecimal(in.substring(start, pos));
    }

    private boolean digits() {
        int start = pos;
        while (isDigit(peek())) {
            pos++;
        }
        return pos > start;
    }

    private static boolean isDigit(int c) {
        return c >= '0' && c <= '9';
    }

    private void literal(String word) throws JsonException {
        if (!in.startsWith(word, pos)) {
            throw error("invalid literal");
        }
        pos += word.length();
    }

    private void expect(char c) throws JsonException {
        if (next() != c) {
            pos--;
            throw error("expected '" + c + "'");
        }
    }

    private void skipWhitespace() {
        while (pos < in.length()) {
            char c = in.charAt(pos);
            if (c != ' ' && c != '\t' && c != '\n' && c != '\r') {
                return;
            }
            pos++;
        }
    }

    private int peek() {
        return pos < in.length() ? in.charAt(pos) : -1;
    }

    private int next() {
        int c = peek();
        pos++;
        return c;
    }

    private JsonException error(String what) {
        return new JsonException("invalid JSON at offset " + Math.max(0, Math.min(pos, in.length())) + ": " + what);
    }
}
