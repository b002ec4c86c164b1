package dev.selkie;

import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class BuilderTest {
    @Test
    void listenerIsRequired() {
        assertThrows(IllegalStateException.class, () -> WebSocketServer.builder().build());
    }

    @Test
    void rejectsNonsense() {
        WebSocketServer.Builder b = WebSocketServer.builder();
        assertThrows(IllegalArgumentException.class, () -> b.port(70000));
        assertThrows(IllegalArgumentException.class, () -> b.maxMessageSize(0));
        assertThrows(IllegalArgumentException.class, () -> b.waterMarks(10, 5));
        assertThrows(IllegalArgumentException.class, () -> b.idleTimeout(Duration.ofSeconds(-1)));
        assertThrows(IllegalStateException.class,
                () -> b.listener(new WebSocketAdapter() { }).sendQueueLimit(100).build());
    }
}
