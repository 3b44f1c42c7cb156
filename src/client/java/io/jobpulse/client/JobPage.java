package io.jobpulse.client;

import java.util.List;
import java.util.Optional;

/** One page of jobs, newest first, and the query for the next page while there is one. */
public record JobPage(List<JobView> jobs, Optional<String> nextCursor, JobQuery query) {

    public JobPage {
        jobs = List.copyOf(jobs);
    }

    /** The query of the next page; empty on the last page. */
    public Optional<JobQuery> next() {
        return nextCursor.map(query::after);
    }
}
