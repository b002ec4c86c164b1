package dev.selkie.demo.json;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.math.BigDecimal;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class JsonWriterTest {
    @Test
    void writesMembersInOrder() {
        String json = new JsonWriter().put("type", "x").put("n", 42L).put("d", 0.5).put("b", true)
                .put("none", (String) null).put("list", List.of("a", "b\"")).toJson();
        assertEquals("{\"type\":\"x\",\"n\":42,\"d\":0.5,\"b\":true,\"none\":null,\"list\":[\"a\",\"b\\\"\"]}", json);
    }

    @Test
    void writesEmptyObjectAndEmptyArray() {
        assertEquals("{}", new JsonWriter().toJson());
        assertEquals("{\"l\":[]}", new JsonWriter().put("l", List.of()).toJson());
    }

    @Test
    void escapesWhatJsonRequiresAndLineSeparators() {
        String json = new JsonWriter().put("k", "\"\\\n\r\t\b\f\u0001\u001f\u2028\u2029</script>é😀").toJson();
        assertEquals("{\"k\":\"\\\"\\\\\\n\\r\\t\\b\\f\\u0001\\u001f\\u2028\\u2029</script>é😀\"}", json);
    }

    @Test
    void escapesUnpairedSurrogatesSoTheOutputIsValidUtf8() {
        assertEquals("{\"k\":\"\\ud800x\\udc00\"}", new JsonWriter().put("k", "\ud800x\udc00").toJson());
    }

    @Test
    void nonFiniteNumbersBecomeNull() {
        assertEquals("{\"a\":null,\"b\":null}",
                new JsonWriter().put("a", Double.NaN).put("b", Double.POSITIVE_INFINITY).toJson());
    }

    @Test
    void finishedWriterRefusesMoreMembers() {
        JsonWriter w = new JsonWriter();
        w.toJson();
        assertThrows(IllegalStateException.class, () -> w.put("a", 1L));
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
        String json = new JsonWriter().put("text", every.toString()).put("n", -7L).put("t", false).toJson();
        Map<String, Object> back = JsonReader.parseObject(json);
        assertEquals(every.toString(), back.get("text"));
        assertEquals(new BigDecimal(-7), back.get("n"));
        assertEquals(Boolean.FALSE, back.get("t"));
    }
}
