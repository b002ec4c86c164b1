package dev.selkie.server;

import java.time.Duration;
import java.util.Arrays;
import org.slf4j.Logger;

/**
 * A warning that can repeat for every connection (an application callback that keeps failing, an
 * executor that keeps rejecting work) logged at WARN at most once per interval, with the number
 * of occurrences suppressed since the last warning; the suppressed ones go to DEBUG. Any thread.
 */
final class RateLimitedLog {
    /** The interval of the server's rate-limited warnings. */
    static final Duration INTERVAL = Duration.ofSeconds(10);

    private final Logger log;
    private final Clock clock;
    private final long intervalNanos;
    private final String every;
    private boolean warned;
    private long lastWarnAt;
    private long suppressed;

    RateLimitedLog(Logger log, Clock clock, Duration interval) {
        this.log = log;
        this.clock = clock;
        this.intervalNanos = interval.toNanos();
        this.every = interval.toMillis() % 1000 == 0 ? interval.toSeconds() + " s" : interval.toMillis() + " ms";
    }

    /** The server's interval on the system clock. */
    RateLimitedLog(Logger log) {
        this(log, Clock.SYSTEM, INTERVAL);
    }

    /**
     * Logs as {@link Logger#warn(String, Object...)} would, if the last warning is an interval
     * old, with the number suppressed since appended; else at DEBUG. A {@link Throwable} as the
     * last argument is logged as the exception, as SLF4J does.
     */
    void warn(String format, Object... args) {
        long before = admit();
        if (before < 0) {
            log.debug(format, args);
            return;
        }
        boolean thrown = args.length > 0 && args[args.length - 1] instanceof Throwable;
        int plain = thrown ? args.length - 1 : args.length;
        Object[] all = Arrays.copyOf(args, args.length + 2);
        all[plain] = before;
        all[plain + 1] = every;
        if (thrown) {
            all[all.length - 1] = args[args.length - 1];
        }
        log.warn(format + " ({} more since the last such warning; at most one every {})", all);
    }

    /** -1 if this occurrence is suppressed; else the number suppressed since the last warning. */
    private synchronized long admit() {
        long now = clock.nanoTime();
        if (warned && now - lastWarnAt < intervalNanos) {
            suppressed++;
            return -1;
        }
        warned = true;
        lastWarnAt = now;
        long before = suppressed;
        suppressed = 0;
        return before;
    }
}
