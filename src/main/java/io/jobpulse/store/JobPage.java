package io.jobpulse.store;

import io.jobpulse.job.Job;
import java.util.List;
import java.util.Optional;

/** One page of a listing, newest first, with the cursor of the next page when there is one. */
public record JobPage(List<Job> jobs, Optional<Long> nextCursor) {

    public JobPage {
        jobs = List.copyOf(jobs);
    }
}
