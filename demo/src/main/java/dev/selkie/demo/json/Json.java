package dev.selkie.demo.json;

import com.fasterxml.jackson.core.JsonFactoryBuilder;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.SerializableString;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.io.CharacterEscapes;
import com.fasterxml.jackson.core.io.SerializedString;
import com.fasterxml.jackson.jr.ob.JSON;
import com.fasterxml.jackson.jr.ob.comp.ObjectComposer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Map;

/**
 * The demos' JSON, through jackson-jr: strict reading of flat objects, and writing of objects whose
 * output is always valid JSON in valid UTF-8.
 *
 * <p>Reading ({@link #parseObject}) accepts one object {@code {"key": value, ...}} whose values are
 * strings, numbers, {@code true}, {@code false} or {@code null}. jackson-core already refuses what RFC
 * 8259 does (leading zeros, {@code NaN}, single quotes, unquoted names, trailing commas, raw control
 * characters); on top of that duplicate keys, content after the object, nested objects and arrays,
 * unpaired surrogates, numbers with over {@value #MAX_NUMBER_LENGTH} digits (jackson-core counts
 * the integer part and the fraction each) and documents over
 * {@value #MAX_DOCUMENT_LENGTH} characters are refused. Numbers become {@link Integer}, {@link Long},
 * {@link java.math.BigInteger} or, with a fraction or exponent, {@link java.math.BigDecimal} (exact).
 *
 * <p>Writing ({@link #object}) escapes what JSON requires plus U+2028, U+2029 and every surrogate as
 * {@code \\uXXXX}, so a Java string with an unpaired surrogate still gives valid UTF-8 (astral characters
 * arrive intact: JSON parsers join the escaped pair).
 *
 * <pre>{@code String json = Json.object(o -> o.put("type", "message").put("text", text));}</pre>
 */
public final class Json {
    /** Longest document {@link #parseObject} reads, in UTF-16 units. */
    public static final int MAX_DOCUMENT_LENGTH = 65_536;
    /** Most digits of a number {@link #parseObject} reads (in its integer part, fraction, exponent). */
    public static final int MAX_NUMBER_LENGTH = 100;
    /** The object and one level below it: deep enough to say "nested" rather than "too deep" for one level. */
    private static final int MAX_NESTING_DEPTH = 2;

    private static final JSON JACKSON = JSON.builder(new JsonFactoryBuilder()
                    .characterEscapes(new SafeEscapes())
                    .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
                    .streamReadConstraints(StreamReadConstraints.builder()
                            .maxDocumentLength(MAX_DOCUMENT_LENGTH)
                            .maxNestingDepth(MAX_NESTING_DEPTH)
                            .maxNumberLength(MAX_NUMBER_LENGTH)
                            .maxStringLength(MAX_DOCUMENT_LENGTH)
                            .maxNameLength(MAX_DOCUMENT_LENGTH)
                            .build())
                    .build())
            .enable(JSON.Feature.FAIL_ON_DUPLICATE_MAP_KEYS, JSON.Feature.USE_BIG_DECIMAL_FOR_FLOATS,
                    JSON.Feature.PRESERVE_FIELD_ORDERING)
            .build();

    private Json() {
    }

    /** The members of an object being written (see {@link #object}). */
    @FunctionalInterface
    public interface Members {
        /** Adds members with {@code put}, {@code putNull} or {@code putObject} (a collection becomes an array). */
        void write(ObjectComposer<?> object) throws IOException;
    }

    /**
     * Parses one flat object (insignificant whitespace allowed around it), keys in document order.
     *
     * @throws JsonException with a message that starts with {@code invalid JSON} and says what is wrong
     */
    public static Map<String, Object> parseObject(String json) throws JsonException {
        if (json.length() > MAX_DOCUMENT_LENGTH) { // before jackson: no buffer filled for nothing
            throw new JsonException("invalid JSON: longer than " + MAX_DOCUMENT_LENGTH + " characters");
        }
        Map<String, Object> map;
        try (JsonParser parser = JACKSON.createParser(json)) {
            try {
                map = JACKSON.mapFrom(parser);
                if (map == null) {
                    throw new JsonException("invalid JSON at offset 0: expected an object, not null");
                }
                if (parser.nextToken() != null) {
                    throw new JsonException("invalid JSON at offset " + offset(parser.currentTokenLocation())
                            + ": unexpected content after the object");
                }
            } catch (JsonProcessingException e) {
                JsonLocation where = e.getLocation() != null ? e.getLocation() : parser.currentLocation();
                throw new JsonException("invalid JSON at offset " + offset(where) + ": " + e.getOriginalMessage());
            } catch (NumberFormatException e) { // 1e2147483648: past BigDecimal's exponent range
                throw new JsonException("invalid JSON at offset " + offset(parser.currentTokenLocation())
                        + ": number out of range");
            }
        } catch (IOException e) { // reading a String: only close could get here, and it does not throw
            throw new JsonException("invalid JSON: " + e.getMessage());
        }
        for (Map.Entry<String, Object> member : map.entrySet()) {
            checkSurrogates(member.getKey());
            Object value = member.getValue();
            if (value instanceof Map || value instanceof List) {
                throw new JsonException("invalid JSON: member \"" + member.getKey()
                        + "\": nested objects and arrays are not accepted");
            }
            if (value instanceof String) {
                checkSurrogates((String) value);
            }
        }
        return map;
    }

    /** One object with the members {@code members} adds, in that order. */
    public static String object(Members members) {
        try {
            var composer = JACKSON.composeString();
            ObjectComposer<?> object = composer.startObject();
            members.write(object);
            object.end();
            return composer.finish();
        } catch (IOException e) { // writing to a String does not fail; a value jackson-jr cannot write does
            throw new UncheckedIOException(e);
        }
    }

    private static long offset(JsonLocation where) {
        return where == null ? 0 : Math.max(0, where.getCharOffset());
    }

    /** jackson-core decodes {@code \\ud800} and passes a raw one through; the demos' strings are text. */
    private static void checkSurrogates(String s) throws JsonException {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
                i++;
            } else if (Character.isSurrogate(c)) {
                throw new JsonException("invalid JSON: unpaired surrogate in a string");
            }
        }
    }

    /** JSON's own escapes, plus U+2028, U+2029 (line ends to JavaScript) and surrogates as {@code \\uXXXX}. */
    private static final class SafeEscapes extends CharacterEscapes {
        private static final long serialVersionUID = 1L;
        private static final int[] ASCII = standardAsciiEscapesForJSON();

        @Override
        public int[] getEscapeCodesForAscii() {
            return ASCII;
        }

        @Override
        public SerializableString getEscapeSequence(int ch) {
            if (ch == 0x2028 || ch == 0x2029 || Character.isSurrogate((char) ch)) {
                return new SerializedString(String.format("\\u%04x", ch));
            }
            return null;
        }
    }
}
