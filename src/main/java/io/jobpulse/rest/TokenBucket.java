package io.jobpulse.rest;

import java.time.Duration;
import java.util.function.LongSupplier;

/**
 * A token bucket of {@code capacity} tokens that refills evenly over {@code period} (600 per minute: one every
 * 100 ms, and a full bucket allows a burst of 600). Kept as one number, the time at which the bucket will be full
 * again (the generic cell rate algorithm). Thread-safe; time comes from the {@code nanoTime} given.
 */
final class TokenBucket {

    private final long capacity;
    private final long nanosPerToken;
    private final LongSupplier nanoTime;
    /** When the bucket holds {@code capacity} tokens again; at or before now means it is full. */
    private long fullAt;

    TokenBucket(int capacity, Duration period, LongSupplier nanoTime) {
        if (capacity < 1 || period.isNegative() || period.isZero()) {
            throw new IllegalArgumentException("a token bucket needs a positive capacity and period");
        }
        this.capacity = capacity;
        this.nanosPerToken = Math.max(1, period.toNanos() / capacity);
        this.nanoTime = nanoTime;
        this.fullAt = nanoTime.getAsLong();
    }

    /** True when the bucket holds {@code capacity} tokens: it is then no different from a new one. */
    synchronized boolean isFull() {
        return fullAt - nanoTime.getAsLong() <= 0;
    }

    /** Takes one token: {@link Duration#ZERO} when it did, else how long until a token will be there. */
    synchronized Duration tryTake() {
        long now = nanoTime.getAsLong();
        long start = fullAt - now > 0 ? fullAt : now;
        long missingAfterTaking = start + nanosPerToken - now;
        long allowed = capacity * nanosPerToken;
        if (missingAfterTaking > allowed) {
            return Duration.ofNanos(missingAfterTaking - allowed);
        }
        fullAt = start + nanosPerToken;
        return Duration.ZERO;
    }
}
