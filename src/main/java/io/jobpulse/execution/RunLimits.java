package io.jobpulse.execution;

import io.jobpulse.config.DurationParser;
import io.jobpulse.config.InvalidSettingException;
import io.jobpulse.config.SettingsSource;
import java.time.Duration;
import java.util.Objects;
import java.util.function.Function;

/**
 * How the runs of one job type are bounded on this node: how long one run may take and how many times a job may be
 * started. The type declares both ({@link JobType#timeout()}, {@link JobType#maxAttempts()}); an operator may
 * override them per type with {@code jobpulse.jobs.<type>.timeout} (a positive duration) and
 * {@code jobpulse.jobs.<type>.max-attempts} (1 turns re-runs off; more than 1 only for a type that declares itself
 * retry-safe, since only its author knows whether a second run is harmless). A type with no timeout of its own
 * gets {@code jobpulse.job-timeout}.
 */
public record RunLimits(Duration timeout, int maxAttempts) {

    public RunLimits {
        Objects.requireNonNull(timeout, "timeout");
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("timeout must be positive: " + timeout);
        }
        if (maxAttempts < 1) {
            throw new IllegalArgumentException("maxAttempts must be at least 1: " + maxAttempts);
        }
    }

    public static String timeoutKey(String type) {
        return "jobpulse.jobs." + type + ".timeout";
    }

    public static String maxAttemptsKey(String type) {
        return "jobpulse.jobs." + type + ".max-attempts";
    }

    /** The type's limits with the operator's overrides applied; an invalid override fails with the key named. */
    public static RunLimits of(JobType type, SettingsSource settings, Duration defaultTimeout) {
        String timeoutKey = timeoutKey(type.name());
        Duration timeout = settings.get(timeoutKey)
                .map(text -> parse(timeoutKey, text, RunLimits::positiveDuration))
                .or(type::timeout)
                .orElse(defaultTimeout);
        String attemptsKey = maxAttemptsKey(type.name());
        int maxAttempts = settings.get(attemptsKey)
                .map(text -> parse(attemptsKey, text, value -> attempts(type, value)))
                .orElse(type.maxAttempts());
        return new RunLimits(timeout, maxAttempts);
    }

    private static Duration positiveDuration(String text) {
        Duration d = DurationParser.parse(text);
        if (d.isNegative() || d.isZero()) {
            throw new IllegalArgumentException("expected a positive duration such as 30s, 15m or 2h");
        }
        return d;
    }

    private static int attempts(JobType type, String text) {
        int n;
        try {
            n = Integer.parseInt(text);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("expected a whole number from 1 to " + JobType.MAX_ATTEMPTS_LIMIT, e);
        }
        if (n < 1 || n > JobType.MAX_ATTEMPTS_LIMIT) {
            throw new IllegalArgumentException("expected a whole number from 1 to " + JobType.MAX_ATTEMPTS_LIMIT);
        }
        if (n > 1 && !type.isRetrySafe()) {
            throw new IllegalArgumentException("job type " + type.name()
                    + " does not declare itself safe to re-run, so only 1 is allowed");
        }
        return n;
    }

    private static <T> T parse(String key, String text, Function<String, T> parser) {
        try {
            return parser.apply(text);
        } catch (RuntimeException e) {
            throw new InvalidSettingException(key, e);
        }
    }

    /** For the start-up log: {@code timeout PT1H, up to 3 attempts}. */
    public String describe() {
        return "timeout " + timeout + (maxAttempts == 1 ? ", not re-run" : ", up to " + maxAttempts + " attempts");
    }
}
