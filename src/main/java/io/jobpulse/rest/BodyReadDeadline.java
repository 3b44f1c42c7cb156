package io.jobpulse.rest;

import java.time.Duration;
import java.util.function.LongSupplier;

/**
 * How long a request body may take to arrive: {@link #GRACE} plus one second for every {@link #MIN_BYTES_PER_SECOND}
 * bytes received (Apache httpd's mod_reqtimeout default, {@code body=20,MinRate=500}). A client trickling a body a
 * byte at a time cannot hold a request thread for longer. A client that sends nothing at all is left to the
 * container's read timeout: a blocked read cannot be checked from here.
 */
record BodyReadDeadline(long startNanos, LongSupplier nanoTime) {

    static final Duration GRACE = Duration.ofSeconds(20);
    static final int MIN_BYTES_PER_SECOND = 500;

    static BodyReadDeadline startingNow(LongSupplier nanoTime) {
        return new BodyReadDeadline(nanoTime.getAsLong(), nanoTime);
    }

    boolean passed(long bytesReceived) {
        long allowed = GRACE.toNanos() + bytesReceived * 1_000_000_000L / MIN_BYTES_PER_SECOND;
        return nanoTime.getAsLong() - startNanos > allowed;
    }
}
