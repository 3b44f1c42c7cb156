package io.jobpulse.store;

import io.jobpulse.job.Job;
import io.jobpulse.job.JobId;
import java.time.Instant;
import java.util.Optional;
import java.util.function.Function;

/**
 * One change of one job for {@link JdbcJobStore#updateAll}: {@code change} is a domain verb applied to the locked row
 * (empty for "nothing to do"), and {@code at} the time its event records.
 */
public record JobUpdate(JobId id, Instant at, Function<Job, Optional<Job>> change) {}
