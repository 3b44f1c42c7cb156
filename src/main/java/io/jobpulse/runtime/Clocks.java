package io.jobpulse.runtime;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import java.time.Clock;
import java.time.Duration;

/**
 * The one clock JobPulse reads "now" from: UTC, in whole milliseconds (what the store keeps, so a job read back equals
 * the job written). Tests give the classes that take a {@link Clock} a fixed or hand-moved one instead. Durations
 * are measured with the {@link Ticker} produced here (monotonic), which tests replace the same way.
 */
@ApplicationScoped
public class Clocks {

    /** UTC, ticking in milliseconds. */
    public static final Clock SYSTEM = Clock.tick(Clock.systemUTC(), Duration.ofMillis(1));

    @Produces
    Clock clock() {
        return SYSTEM;
    }

    @Produces
    Ticker ticker() {
        return Ticker.SYSTEM;
    }
}
