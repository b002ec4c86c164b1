package dev.selkie.server;

import java.time.Duration;

/** A clock that moves only when a test says so. */
final class ManualClock implements Clock {
    private long now = 1_000_000_000L;

    @Override
    public long nanoTime() {
        return now;
    }

    void advance(Duration by) {
        now += by.toNanos();
    }
}
