package io.jobpulse.it;

import java.time.Duration;

/**
 * The one way an integration test waits for the server to reach a state: poll a condition until it holds, and fail
 * with what was awaited when it does not hold in time. Loops whose sleeps are the behaviour under test (a body
 * trickled a byte at a time, pings every second to prove an idle bound) are pacing, not waiting, and stay as they are.
 */
final class Await {

    /** How often a condition is polled unless a caller says otherwise. */
    static final Duration POLL = Duration.ofMillis(100);

    /** A condition that may do I/O to find out. */
    @FunctionalInterface
    interface Condition {
        boolean holds() throws Exception;
    }

    private Await() {}

    /** Polls {@code condition} every {@link #POLL} until it holds; how long that took, or an AssertionError naming {@code what}. */
    static Duration until(String what, Duration timeout, Condition condition) throws Exception {
        return until(what, timeout, POLL, condition);
    }

    /** As {@link #until(String, Duration, Condition)}, polling every {@code every}. */
    static Duration until(String what, Duration timeout, Duration every, Condition condition) throws Exception {
        long start = System.nanoTime();
        long deadline = start + timeout.toNanos();
        while (!condition.holds()) {
            if (System.nanoTime() - deadline > 0) {
                throw new AssertionError("timed out after " + timeout + " waiting for " + what);
            }
            Thread.sleep(every.toMillis());
        }
        return Duration.ofNanos(System.nanoTime() - start);
    }
}
