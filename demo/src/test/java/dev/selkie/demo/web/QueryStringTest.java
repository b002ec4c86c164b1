package dev.selkie.demo.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Map;
import org.junit.jupiter.api.Test;

class QueryStringTest {
    @Test
    void decodesFormEncoding() {
        assertEquals(Map.of("name", "Mary Ann", "room", "lobby", "flag", "", "x", "é&="),
                QueryString.parse("name=Mary+Ann&room=lobby&flag&x=%C3%A9%26%3D"));
        assertEquals(Map.of("name", "a b"), QueryString.parse("name=a%20b"));
        assertEquals(Map.of(), QueryString.parse(""));
        assertEquals(Map.of("a", "1"), QueryString.parse("&a=1&"));
    }

    @Test
    void rejectsRepeatedAndMalformedParameters() {
        assertThrows(IllegalArgumentException.class, () -> QueryString.parse("name=a&name=b"));
        assertThrows(IllegalArgumentException.class, () -> QueryString.parse("name=%zz"));
        assertThrows(IllegalArgumentException.class, () -> QueryString.parse("name=%4"));
    }
}
