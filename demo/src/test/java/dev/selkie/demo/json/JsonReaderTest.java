package dev.selkie.demo.json;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigDecimal;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class JsonReaderTest {
    @Test
    void readsEveryKindOfFlatValueInOrder() throws JsonException {
        Map<String, Object> m = JsonReader.parseObject(
                " {\"s\":\"x\", \"i\": -12, \"d\":1.5e3, \"t\":true,\"f\":false,\"n\":null}\r\n");
        assertEquals(List.of("s", "i", "d", "t", "f", "n"), List.copyOf(m.keySet()));
        assertEquals("x", m.get("s"));
        assertEquals(new BigDecimal("-12"), m.get("i"));
        assertEquals(0, new BigDecimal("1500").compareTo((BigDecimal) m.get("d")));
        assertEquals(Boolean.TRUE, m.get("t"));
        assertEquals(Boolean.FALSE, m.get("f"));
        assertTrue(m.containsKey("n"));
        assertNull(m.get("n"));
    }

    @Test
    void readsEmptyObject() throws JsonException {
        assertTrue(JsonReader.parseObject("{}").isEmpty());
        assertTrue(JsonReader.parseObject(" { } ").isEmpty());
    }

    @Test
    void decodesEscapes() throws JsonException {
        Map<String, Object> m = JsonReader.parseObject(
                "{\"k\":\"q\\\" b\\\\ s\\/ \\b\\f\\n\\r\\t \\u00e9 \\ud83d\\ude00 \\u2028\"}");
        assertEquals("q\" b\\ s/ \b\f\n\r\t \u00e9 \ud83d\ude00 \u2028", m.get("k"));
    }

    @Test
    void keepsNonAsciiCharactersAndPairedSurrogatesAsTheyAre() throws JsonException {
        assertEquals("Grüße 😀", JsonReader.parseObject("{\"k\":\"Grüße 😀\"}").get("k"));
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "", " ", "[]", "\"s\"", "1", "null",
        "{", "}", "{\"a\"}", "{\"a\":}", "{\"a\" 1}", "{a:1}", "{'a':1}",
        "{\"a\":1,}", "{,\"a\":1}", "{\"a\":1 \"b\":2}", "{\"a\":1}x", "{\"a\":1}{}",
        "{\"a\":1,\"a\":2}",
        "{\"a\":{}}", "{\"a\":[]}", "{\"a\":[1]}",
        "{\"a\":01}", "{\"a\":-}", "{\"a\":1.}", "{\"a\":.5}", "{\"a\":1e}", "{\"a\":+1}", "{\"a\":NaN}",
        "{\"a\":Infinity}", "{\"a\":0x10}",
        "{\"a\":tru}", "{\"a\":True}", "{\"a\":nul}",
        "{\"a\":\"unterminated}", "{\"a\":\"tab\there\"}", "{\"a\":\"nl\nhere\"}",
        "{\"a\":\"\\x\"}", "{\"a\":\"\\u12\"}", "{\"a\":\"\\u12g4\"}",
        "{\"a\":\"\\ud800\"}", "{\"a\":\"\\udc00\"}", "{\"a\":\"\\ud800\\u0041\"}", "{\"a\":\"\\ud800x\"}",
        "{\"a\":\"\ud800\"}", "{\"a\":\"\udc00\"}",
        "\u00a0{}", "{}\u0000"
    })
    void rejectsInvalidInput(String json) {
        JsonException e = assertThrows(JsonException.class, () -> JsonReader.parseObject(json));
        assertTrue(e.getMessage().startsWith("invalid JSON at offset "), e.getMessage());
    }

    @Test
    void rejectsOverlongNumbers() {
        String digits = "1".repeat(200);
        assertThrows(JsonException.class, () -> JsonReader.parseObject("{\"a\":" + digits + "}"));
    }

    @Test
    void errorNamesTheOffset() {
        JsonException e = assertThrows(JsonException.class, () -> JsonReader.parseObject("{\"a\":1,\"a\":2}"));
        assertTrue(e.getMessage().contains("duplicate key \"a\""), e.getMessage());
    }
}
