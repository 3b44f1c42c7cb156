package io.jobpulse.execution;

import io.jobpulse.api.JobType;
import io.jobpulse.config.JobSettings;
import java.time.Duration;
import java.util.Objects;

/**
 * How the runs of one job type are bounded on this node: how long one run may take and how many times a job may be
 * started. The type declares both ({@link JobType#timeout()}, {@link JobType#maxAttempts()}); an operator may
 * override them per type ({@code jobpulse.jobs.<type>.*}, read and validated by
 * {@link io.jobpulse.config.JobTypeOverrides}). A type with no timeout of its own gets {@code jobpulse.job-timeout}.
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

    /** The type's limits with the operator's overrides applied; an invalid override fails with the key named. */
    public static RunLimits of(JobType type, JobSettings jobs) {
        return new RunLimits(
                jobs.types().timeout(type.name(), type.timeout()),
                jobs.types().maxAttempts(type.name(), type.maxAttempts()));
    }

    /** For the start-up log: {@code timeout PT1H, up to 3 attempts}. */
    public String describe() {
        return "timeout " + timeout + (maxAttempts == 1 ? ", not re-run" : ", up to " + maxAttempts + " attempts");
    }
}
