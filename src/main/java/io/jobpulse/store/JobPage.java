package io.jobpulse.store;

import io.jobpulse.job.Job;
import java.util.List;
import java.util.Optional;

/** One page of a listing, newest first, with the cursor of the next page when there is one. */
public record JobPage(List<Job> jobs, Optional<Long> nextCursor) {

    public JobPage {
        jobs = List.copyOf(jobs);
    }

    /**
     * The page of a query that asked for {@code limit + 1} rows, newest first: {@code rows} are their row numbers.
     * When there was one more, the page has {@code limit} jobs and the cursor is its last row.
     */
    static JobPage cut(List<Job> jobs, List<Long> rows, int limit) {
        if (jobs.size() <= limit) {
            return new JobPage(jobs, Optional.empty());
        }
        return new JobPage(jobs.subList(0, limit), Optional.of(rows.get(limit - 1)));
    }
}
