package dev.selkie.server;

/** Where an event loop reads the time: {@link System#nanoTime()}, or a manual clock in tests. */
@FunctionalInterface
interface Clock {
    /** The system clock. */
    Clock SYSTEM = System::nanoTime;

    /** Monotonic nanoseconds, as {@link System#nanoTime()}. */
    long nanoTime();
}
