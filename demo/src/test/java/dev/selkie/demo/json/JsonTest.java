package dev.selkie.demo.json;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class JsonTest {
    private static JsonException refused(String json) {
        JsonException e = assertThrows(JsonException.class, () -> Json.parseObject(json));
        assertTrue(e.getMessage().startsWith("invalid JSON"), e.getMessage());
        return e;
    }

    // reading

    @Test
    void readsEveryKindOfFlatValueInOrder() throws JsonException {
        Map<String, Object> m = Json.parseObject(
                " {\"s\":\"x\", \"i\": -12, \"l\": 12345678901, \"d\":1.5e3, \"t\":true,\"f\":false,\"n\":null}\r\n");
        assertEquals(List.of("s", "i", "l", "d", "t", "f", "n"), List.copyOf(m.keySet()));
        assertEquals("x", m.get("s"));
        assertEquals(-12, m.get("i"));
        assertEquals(12345678901L, m.get("l"));
        assertEquals(0, new BigDecimal("1500").compareTo((BigDecimal) m.get("d")), "fractions are exact");
        assertEquals(Boolean.TRUE, m.get("t"));
        assertEquals(Boolean.FALSE, m.get("f"));
        assertTrue(m.containsKey("n"));
        assertNull(m.get("n"));
    }

    @Test
    void readsEmptyObject() throws JsonException {
        assertTrue(Json.parseObject("{}").isEmpty());
        assertTrue(Json.parseObject(" { } ").isEmpty());
    }

    @Test
    void decodesEscapes() throws JsonException {
        Map<String, Object> m = Json.parseObject(
                "{\"k\":\"q\\\" b\\\\ s\\/ \\b\\f\\n\\r\\t \\u00e9 \\ud83d\\ude00 \\u2028\"}");
        assertEquals("q\" b\\ s/ \b\f\n\r\t \u00e9 \ud83d\ude00 \u2028", m.get("k"));
    }

    @Test
    void keepsNonAsciiCharactersAndPairedSurrogatesAsTheyAre() throws JsonException {
        assertEquals("Grüße 😀", Json.parseObject("{\"k\":\"Grüße 😀\"}").get("k"));
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "", " ", "[]", "\"s\"", "1", "null", "true",
        "{", "}", "{\"a\"}", "{\"a\":}", "{\"a\" 1}", "{a:1}", "{'a':1}",
        "{\"a\":1,}", "{,\"a\":1}", "{\"a\":1 \"b\":2}", "{\"a\":1}x", "{\"a\":1}{}", "{\"a\":1}[]", "{\"a\":1} 2",
        "{\"a\":1,\"a\":2}",
        "{\"a\":{}}", "{\"a\":[]}", "{\"a\":[1]}",
        "{\"a\":01}", "{\"a\":-}", "{\"a\":1.}", "{\"a\":.5}", "{\"a\":1e}", "{\"a\":+1}", "{\"a\":NaN}",
        "{\"a\":Infinity}", "{\"a\":0x10}",
        "{\"a\":tru}", "{\"a\":True}", "{\"a\":nul}",
        "{\"a\":\"unterminated}", "{\"a\":\"tab\there\"}", "{\"a\":\"nl\nhere\"}",
        "{\"a\":\"\\x\"}", "{\"a\":\"\\u12\"}", "{\"a\":\"\\u12g4\"}",
        "{\"a\":\"\\ud800\"}", "{\"a\":\"\\udc00\"}", "{\"a\":\"\\ud800\\u0041\"}", "{\"a\":\"\\ud800x\"}",
        "{\"a\":\"\ud800\"}", "{\"a\":\"\udc00\"}", "{\"\\ud800\":1}",
        "\u00a0{}", "{}\u0000", "// c\n{}", "{/* c */}"
    })
    void rejectsInvalidInput(String json) {
        refused(json);
    }

    @Test
    void rejectsDuplicateKeysNamingTheKeyAndWhere() {
        JsonException e = refused("{\"a\":1,\"a\":2}");
        assertTrue(e.getMessage().startsWith("invalid JSON at offset "), e.getMessage());
        assertTrue(e.getMessage().contains("'a'"), e.getMessage());
        refused("{\"a\":1,\"b\":2,\"a\":\"x\"}");
        refused("{\"a\":null,\"a\":null}");
    }

    @Test
    void keysAreComparedOnceDecoded() throws JsonException {
        assertEquals(2, Json.parseObject("{\"a\":1,\"A\":2}").size());
        refused("{\"a\":1,\"\\u0061\":2}");
    }

    @Test
    void errorsNameTheOffset() {
        JsonException e = refused("{\"a\":1}  x");
        assertTrue(e.getMessage().startsWith("invalid JSON at offset 9: "), e.getMessage());
    }

    @Test
    void rejectsOverlongNumbers() throws JsonException {
        String digits = "1".repeat(Json.MAX_NUMBER_LENGTH);
        assertEquals(new BigInteger(digits), Json.parseObject("{\"a\":" + digits + "}").get("a"));
        JsonException e = refused("{\"a\":" + digits + "1}");
        assertTrue(e.getMessage().contains("length"), e.getMessage());
        refused("{\"a\":0." + digits + "1}");
        refused("{\"a\":1e" + digits + "}");
        refused("{\"a\":1e2147483648}"); // past BigDecimal's exponent range
    }

    @Test
    void rejectsNestingAtAnyDepth() {
        for (int depth : new int[] {1, 2, 3, 10, 1000}) {
            refused("{\"a\":" + "[".repeat(depth) + "]".repeat(depth) + "}");
            refused("{\"a\":" + "{\"b\":".repeat(depth) + "1" + "}".repeat(depth) + "}");
        }
        JsonException e = refused("{\"a\":[1]}");
        assertTrue(e.getMessage().contains("nested"), e.getMessage());
        e = refused("{\"a\":" + "[".repeat(1000) + "]".repeat(1000) + "}");
        assertTrue(e.getMessage().contains("nesting depth"), "jackson stops before building it: " + e.getMessage());
    }

    @Test
    void rejectsOversizedDocuments() throws JsonException {
        String atLimit = "{\"a\":\"" + "x".repeat(Json.MAX_DOCUMENT_LENGTH - 8) + "\"}";
        assertEquals(Json.MAX_DOCUMENT_LENGTH, atLimit.length());
        assertEquals(Json.MAX_DOCUMENT_LENGTH - 8, ((String) Json.parseObject(atLimit).get("a")).length());
        JsonException e = refused("{\"a\":\"" + "x".repeat(Json.MAX_DOCUMENT_LENGTH - 7) + "\"}");
        assertTrue(e.getMessage().contains("longer than"), e.getMessage());
        refused(" ".repeat(Json.MAX_DOCUMENT_LENGTH) + "{}");
    }

    // writing

    @Test
    void writesMembersInOrder() {
        String json = Json.object(o -> o.put("type", "x").put("n", 42L).put("d", 0.5).put("b", true)
                .putNull("none").put("s", (String) null).putObject("list", List.of("a", "b\"")));
        assertEquals("{\"type\":\"x\",\"n\":42,\"d\":0.5,\"b\":true,\"none\":null,\"s\":null,\"list\":[\"a\",\"b\\\"\"]}",
                json);
    }

    @Test
    void writesEmptyObjectAndEmptyArray() {
        assertEquals("{}", Json.object(o -> { }));
        assertEquals("{\"l\":[]}", Json.object(o -> o.putObject("l", List.of())));
    }

    @Test
    void escapesWhatJsonRequiresAndLineSeparators() throws JsonException {
        String text = "\"\\\n\r\t\b\f\u0001\u001f\u007f\u2028\u2029</script>é";
        String json = Json.object(o -> o.put("k", text));
        assertFalse(json.chars().anyMatch(c -> c < 0x20 || c == 0x2028 || c == 0x2029), json);
        assertTrue(json.contains("\\u2028\\u2029</script>é"), json);
        assertEquals(text, Json.parseObject(json).get("k"));
    }

    @Test
    void escapesSurrogatesSoTheOutputIsValidUtf8() throws CharacterCodingException, JsonException {
        assertEquals("{\"k\":\"\\ud800x\\udc00\"}", Json.object(o -> o.put("k", "\ud800x\udc00")));
        String json = Json.object(o -> o.put("k", "a\ud800").put("😀", "😀"));
        StandardCharsets.UTF_8.newEncoder().encode(CharBuffer.wrap(json)); // throws on an unpaired surrogate
        assertEquals("😀", Json.parseObject(Json.object(o -> o.put("k", "😀"))).get("k"));
    }

    @Test
    void roundTripsThroughTheReader() throws JsonException {
        StringBuilder every = new StringBuilder();
        for (char c = 0; c < 0x3000; c++) {
            if (!Character.isSurrogate(c)) {
                every.append(c);
            }
        }
        every.append("😀𝄞");
        String json = Json.object(o -> o.put("text", every.toString()).put("n", -7L).put("t", false));
        Map<String, Object> back = Json.parseObject(json);
        assertEquals(every.toString(), back.get("text"));
        assertEquals(-7, back.get("n"));
        assertEquals(Boolean.FALSE, back.get("t"));
    }
}
