package io.jobpulse.store;

import io.jobpulse.job.Job;
import io.jobpulse.job.JobId;
import io.jobpulse.job.Report;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.function.Function;

/**
 * A worker's report of external job {@code id}, received at {@code at}, for {@link JdbcJobStore#reportAll};
 * {@code heartbeat}: how long the job's worker may stay silent after it.
 */
public record ReportRequest(JobId id, Report report, Instant at, Function<Job, Duration> heartbeat) {

    public ReportRequest {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(report, "report");
        Objects.requireNonNull(at, "at");
        Objects.requireNonNull(heartbeat, "heartbeat");
    }
}
