package io.jobpulse.config;

import io.jobpulse.api.JobType;
import java.time.Duration;
import java.util.Optional;

/**
 * The per-type settings {@code jobpulse.jobs.<type>.timeout} and {@code jobpulse.jobs.<type>.max-attempts}, resolved
 * against what a job type declares. The keys cannot be listed in advance (types come from the deployed handlers, and
 * neither environment variables nor JNDI can be enumerated reliably), so they are read when the scheduler asks for a
 * type, once per type at start-up; an invalid value fails the deployment with the key named, like any other setting.
 * Takes the type's name and declarations rather than the {@link JobType} itself; of the SPI it uses only the limit
 * {@link JobType#MAX_ATTEMPTS_LIMIT}, so that {@code config} depends on no JobPulse package but {@code json} and the
 * dependency-free {@code api}.
 */
public final class JobTypeOverrides {

    private final SettingReader reader;
    private final Duration defaultTimeout;

    JobTypeOverrides(SettingReader reader, Duration defaultTimeout) {
        this.reader = reader;
        this.defaultTimeout = defaultTimeout;
    }

    private static String timeoutKey(String type) {
        return "jobpulse.jobs." + type + ".timeout";
    }

    private static String maxAttemptsKey(String type) {
        return "jobpulse.jobs." + type + ".max-attempts";
    }

    /** The operator's {@code jobpulse.jobs.<type>.timeout}, else the type's own, else {@code jobpulse.job-timeout}. */
    public Duration timeout(String type, Optional<Duration> declared) {
        return reader.positiveDuration(timeoutKey(type)).or(() -> declared).orElse(defaultTimeout);
    }

    /**
     * The operator's {@code jobpulse.jobs.<type>.max-attempts}, else the type's own. 1 turns re-runs off; more than 1
     * only for a type that declares itself retry-safe ({@code declared > 1}), since only its author knows whether a
     * second run is harmless.
     */
    public int maxAttempts(String type, int declared) {
        String key = maxAttemptsKey(type);
        int attempts = reader.between(key, declared, 1, JobType.MAX_ATTEMPTS_LIMIT, "attempts");
        if (attempts > 1 && declared == 1) {
            throw new InvalidSettingException(
                    key,
                    new IllegalArgumentException(
                            "job type " + type + " does not declare itself safe to re-run, so only 1 is allowed"));
        }
        return attempts;
    }
}
