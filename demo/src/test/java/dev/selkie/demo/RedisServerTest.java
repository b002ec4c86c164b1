package dev.selkie.demo;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.nio.file.Paths;
import org.junit.jupiter.api.Test;
import org.opentest4j.AssertionFailedError;
import org.opentest4j.TestAbortedException;

/** The tests' redis-server: started on a free port, gone after close; its absence fails CI and skips elsewhere. */
class RedisServerTest {
    private static final Path MISSING = Paths.get("/nonexistent/redis-server");

    @Test
    void missingRedisServerFailsInCi() {
        AssertionFailedError e = assertThrows(AssertionFailedError.class,
                () -> RedisServer.requireRedisServer(MISSING, "true"));
        assertTrue(e.getMessage().contains("apt-get install -y redis-server"), e.getMessage());
    }

    @Test
    void missingRedisServerSkipsOutsideCi() {
        assertThrows(TestAbortedException.class, () -> RedisServer.requireRedisServer(MISSING, null));
    }

    @Test
    void presentBinaryPasses() {
        Path java = Paths.get(System.getProperty("java.home"), "bin", "java");
        assertDoesNotThrow(() -> RedisServer.requireRedisServer(java, "true"));
    }

    @Test
    void startsOnAFreePortAndIsGoneAfterClose() throws Exception {
        RedisServer redis = RedisServer.start();
        try {
            assertTrue(redis.ping(), "answers PING");
        } finally {
            redis.close();
        }
        assertFalse(redis.ping(), "killed");
    }
}
