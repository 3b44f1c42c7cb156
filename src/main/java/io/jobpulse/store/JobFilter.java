package io.jobpulse.store;

import io.jobpulse.job.Job;
import io.jobpulse.job.JobState;
import java.time.Instant;
import java.util.Optional;

/**
 * What an operator's listing of every client's jobs ({@link JdbcJobListing}) is narrowed to; all parts hold at once, an
 * empty part narrows nothing.
 *
 * @param state        the job's state
 * @param type         the job's type, exactly
 * @param owner        the API client that submitted it, exactly
 * @param from         created at or after
 * @param to           created before
 * @param nameContains a text the job's name contains, ignoring case (a bounded search: {@link JdbcJobListing})
 */
public record JobFilter(
        Optional<JobState> state,
        Optional<String> type,
        Optional<String> owner,
        Optional<Instant> from,
        Optional<Instant> to,
        Optional<String> nameContains) {

    public static final JobFilter NONE = new JobFilter(
            Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty());

    /** Whether {@code job} passes every part but the name (a job looked up by its id). */
    public boolean admits(Job job) {
        return state.map(s -> s == job.state()).orElse(true)
                && type.map(t -> t.equals(job.type())).orElse(true)
                && owner.map(o -> o.equals(job.owner())).orElse(true)
                && from.map(f -> !job.createdAt().isBefore(f)).orElse(true)
                && to.map(t -> job.createdAt().isBefore(t)).orElse(true);
    }
}
