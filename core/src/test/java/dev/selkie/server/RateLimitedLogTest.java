package dev.selkie.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

class RateLimitedLogTest {
    private final Logger logger = (Logger) LoggerFactory.getLogger("dev.selkie.test.RateLimitedLogTest");
    private final ListAppender<ILoggingEvent> events = new ListAppender<>();
    private final ManualClock clock = new ManualClock();
    private final RateLimitedLog warnings = new RateLimitedLog(logger, clock, Duration.ofSeconds(10));

    @BeforeEach
    void capture() {
        logger.setLevel(Level.DEBUG);
        logger.setAdditive(false);
        events.start();
        logger.addAppender(events);
    }

    @AfterEach
    void release() {
        logger.detachAppender(events);
        logger.setLevel(null);
        logger.setAdditive(true);
    }

    private List<String> at(Level level) {
        return events.list.stream().filter(e -> e.getLevel() == level).map(ILoggingEvent::getFormattedMessage)
                .collect(Collectors.toList());
    }

    @Test
    void warnsOncePerIntervalAndCountsWhatItSuppressed() {
        warnings.warn("client {} failed", "a");
        clock.advance(Duration.ofSeconds(3));
        warnings.warn("client {} failed", "b");
        clock.advance(Duration.ofSeconds(6));
        warnings.warn("client {} failed", "c");
        assertEquals(List.of("client a failed (0 more since the last such warning; at most one every 10 s)"),
                at(Level.WARN));
        assertEquals(List.of("client b failed", "client c failed"), at(Level.DEBUG), "the suppressed ones");

        clock.advance(Duration.ofSeconds(1)); // 10 s after the first warning
        warnings.warn("client {} failed", "d");
        assertEquals("client d failed (2 more since the last such warning; at most one every 10 s)",
                at(Level.WARN).get(1));
        clock.advance(Duration.ofSeconds(30));
        warnings.warn("client {} failed", "e");
        assertEquals("client e failed (0 more since the last such warning; at most one every 10 s)",
                at(Level.WARN).get(2));
    }

    @Test
    void aTrailingThrowableStaysTheLoggedException() {
        IOException error = new IOException("boom");
        warnings.warn("listener failed on {}", "ws", error);
        warnings.warn("listener failed on {}", "ws2", error);
        ILoggingEvent warned = events.list.get(0);
        assertEquals(Level.WARN, warned.getLevel());
        assertEquals("listener failed on ws (0 more since the last such warning; at most one every 10 s)",
                warned.getFormattedMessage());
        assertNotNull(warned.getThrowableProxy());
        assertEquals("boom", warned.getThrowableProxy().getMessage());
        ILoggingEvent suppressed = events.list.get(1);
        assertEquals(Level.DEBUG, suppressed.getLevel());
        assertEquals("listener failed on ws2", suppressed.getFormattedMessage());
        assertNotNull(suppressed.getThrowableProxy(), "at debug, with its stack trace");
    }

    @Test
    void subSecondIntervalsAreShownInMilliseconds() {
        RateLimitedLog fast = new RateLimitedLog(logger, clock, Duration.ofMillis(250));
        fast.warn("x");
        clock.advance(Duration.ofMillis(100));
        fast.warn("x");
        clock.advance(Duration.ofMillis(150));
        fast.warn("x");
        assertEquals(List.of("x (0 more since the last such warning; at most one every 250 ms)",
                "x (1 more since the last such warning; at most one every 250 ms)"), at(Level.WARN));
        assertNull(events.list.get(1).getThrowableProxy());
    }
}
