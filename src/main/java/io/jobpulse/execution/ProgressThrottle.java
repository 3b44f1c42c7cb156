package io.jobpulse.execution;

/** Lets at most {@code rate} updates per second through; the caller keeps what it holds back and sends it later. */
final class ProgressThrottle {

    private final long intervalNanos;
    private long lastPassed;
    private boolean passedBefore;

    ProgressThrottle(double ratePerSecond) {
        if (ratePerSecond <= 0) {
            throw new IllegalArgumentException("rate must be positive");
        }
        this.intervalNanos = (long) (1_000_000_000L / ratePerSecond);
    }

    /** True when an update may go out now (and records that it did). */
    boolean tryPass(long nowNanos) {
        if (!passedBefore || nowNanos - lastPassed >= intervalNanos) {
            passedBefore = true;
            lastPassed = nowNanos;
            return true;
        }
        return false;
    }

    /** Nanoseconds until the next update may go out (0 when it may now). */
    long nanosUntilNext(long nowNanos) {
        return passedBefore ? Math.max(0, lastPassed + intervalNanos - nowNanos) : 0;
    }
}
