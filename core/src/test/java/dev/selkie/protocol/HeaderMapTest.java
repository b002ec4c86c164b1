package dev.selkie.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class HeaderMapTest {
    @Test
    void looksUpNamesCaseInsensitivelyAndKeepsOrder() {
        HeaderMap map = new HeaderMap();
        map.add("Host", "a");
        map.add("X-Multi", "1");
        map.add("x-multi", "2");
        map.add("X-MULTI", "3");
        assertEquals("a", map.first("HOST"));
        assertEquals("1", map.first("x-Multi"));
        assertEquals(List.of("1", "2", "3"), map.all("X-multi"));
        assertNull(map.first("absent"));
        assertEquals(List.of(), map.all("absent"));
        assertEquals(4, map.size());
        assertEquals(List.of("host", "x-multi"), List.copyOf(map.asMap().keySet()));
    }

    @Test
    void trimsSpacesAndTabsOnly() {
        HeaderMap map = new HeaderMap();
        map.add("A", " \t value with  inner  spaces\t ");
        map.add("B", "\u00a0nbsp\u00a0");
        assertEquals("value with  inner  spaces", map.first("a"));
        assertEquals("\u00a0nbsp\u00a0", map.first("b"));
    }

    @Test
    void splitsCommaSeparatedTokensOfEveryValue() {
        HeaderMap map = new HeaderMap();
        map.add("Connection", "keep-alive, Upgrade");
        map.add("Connection", " , close ,,");
        map.add("Empty", "");
        assertEquals(List.of("keep-alive", "Upgrade", "close"), map.tokens("connection"));
        assertEquals(List.of(), map.tokens("empty"));
        assertEquals(List.of(), map.tokens("absent"));
        assertTrue(map.hasToken("CONNECTION", "upgrade"));
        assertTrue(map.hasToken("connection", "Close"));
        assertFalse(map.hasToken("connection", "keep"));
        assertFalse(map.hasToken("absent", "x"));
    }

    @Test
    void givesALiveUnmodifiableView() {
        HeaderMap map = new HeaderMap();
        map.add("A", "1");
        Map<String, List<String>> view = map.asMap();
        List<String> values = map.all("a");
        map.add("a", "2");
        map.add("B", "3");
        assertEquals(Map.of("a", List.of("1", "2"), "b", List.of("3")), view);
        assertEquals(List.of("1", "2"), values);
        assertThrows(UnsupportedOperationException.class, () -> view.put("c", List.of()));
        assertThrows(UnsupportedOperationException.class, () -> view.get("a").add("x"));
        assertThrows(UnsupportedOperationException.class, () -> map.all("a").clear());
    }
}
