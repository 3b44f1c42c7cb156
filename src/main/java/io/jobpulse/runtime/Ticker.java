package io.jobpulse.runtime;

/**
 * Monotonic time in nanoseconds, for durations (idle, subscribe deadline, lag, message rate): {@link System#nanoTime}
 * in production ({@link Clocks}), a hand-moved one in tests. Not a wall clock: use the {@link java.time.Clock} for
 * timestamps.
 */
@FunctionalInterface
public interface Ticker {

    Ticker SYSTEM = System::nanoTime;

    long nanoTime();
}
