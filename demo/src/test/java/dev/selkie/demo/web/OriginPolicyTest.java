package dev.selkie.demo.web;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class OriginPolicyTest {
    @Test
    void loopbackServerAllowsItsOwnPageUnderEveryLoopbackName() {
        OriginPolicy p = new OriginPolicy("127.0.0.1", () -> 8080, List.of());
        assertTrue(p.allows(Optional.empty()), "non-browser clients send no Origin");
        assertTrue(p.allows(Optional.of("http://127.0.0.1:8080")));
        assertTrue(p.allows(Optional.of("http://localhost:8080")));
        assertTrue(p.allows(Optional.of("HTTP://LOCALHOST:8080")));
        assertTrue(p.allows(Optional.of("http://[::1]:8080")));
    }

    @Test
    void refusesOtherOriginsPortsAndSchemes() {
        OriginPolicy p = new OriginPolicy("127.0.0.1", () -> 8080, List.of());
        assertFalse(p.allows(Optional.of("http://evil.example:8080")));
        assertFalse(p.allows(Optional.of("http://127.0.0.1:8081")));
        assertFalse(p.allows(Optional.of("https://127.0.0.1:8080")));
        assertFalse(p.allows(Optional.of("http://127.0.0.1")));
        assertFalse(p.allows(Optional.of("null")));
        assertFalse(p.allows(Optional.of("")));
    }

    @Test
    void extraOriginsAreAllowed() {
        OriginPolicy p = new OriginPolicy("127.0.0.1", () -> 8080, List.of("https://Chat.Example.com"));
        assertTrue(p.allows(Optional.of("https://chat.example.com")));
        assertFalse(p.allows(Optional.of("https://example.com")));
    }

    @Test
    void usesThePortKnownAfterStart() {
        int[] port = {0};
        OriginPolicy p = new OriginPolicy("127.0.0.1", () -> port[0], List.of());
        port[0] = 41234;
        assertTrue(p.allows(Optional.of("http://127.0.0.1:41234")));
    }
}
