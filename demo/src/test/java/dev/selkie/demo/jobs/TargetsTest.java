package dev.selkie.demo.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class TargetsTest {
    @Test
    void listsAndRangesExpandInOrderWithoutDuplicates() {
        assertEquals(List.of("host1", "host2"), Targets.parse("host1,host2"));
        assertEquals(List.of("web1", "web2", "web3"), Targets.parse("web[1-3]"));
        assertEquals(List.of("web08.lan", "web09.lan", "web10.lan"), Targets.parse("web[08-10].lan"));
        assertEquals(List.of("a", "n1", "n2", "b"), Targets.parse(" a , n[1-2], b,a"));
        assertEquals(List.of("5"), Targets.parse("5"));
        assertEquals(List.of("10.0.0.1", "my_host-2"), Targets.parse("10.0.0.1,my_host-2"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"a;rm -rf /", "$(id)", "`id`", "a b", "a|b", "a&b", "a>b", "-rf", "--help", "*",
        "x\ny", "\u00e9", "web[3-1]", "web[1-3][1-2]", "web[a-c]", "web[1-", "", " ", "a,,b", "a,"})
    void badTargetsAreRefused(String expression) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Targets.parse(expression));
        assertTrue(e.getMessage().length() < 200, e.getMessage());
    }

    @Test
    void atMost32TargetsAnd64Characters() {
        assertEquals(32, Targets.parse("n[1-32]").size());
        assertThrows(IllegalArgumentException.class, () -> Targets.parse("n[1-33]"));
        assertThrows(IllegalArgumentException.class, () -> Targets.parse("n[1-20],m[1-20]"));
        assertThrows(IllegalArgumentException.class, () -> Targets.parse("n[0-9999]"));
        Targets.parse("x".repeat(64));
        assertThrows(IllegalArgumentException.class, () -> Targets.parse("x".repeat(65)));
    }
}
