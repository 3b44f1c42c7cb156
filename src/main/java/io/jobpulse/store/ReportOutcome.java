package io.jobpulse.store;

import io.jobpulse.job.Job;
import io.jobpulse.job.JobEvent;
import java.util.List;

/** What storing a worker's report of an external job did ({@link JdbcJobStore#report}); {@code job} as it is now. */
public sealed interface ReportOutcome {

    Job job();

    /** Applied: the job after it, and the events it added (none for a heartbeat or unchanged progress). */
    record Accepted(Job job, List<JobEvent> events) implements ReportOutcome {}

    /** The id of the last accepted report again: a retry; nothing changed but the heartbeat. */
    record Repeated(Job job) implements ReportOutcome {}

    /** The job had ended (SUCCEEDED, FAILED or CANCELLED); nothing changed. */
    record Ended(Job job) implements ReportOutcome {}

    /** An id below {@code lastId}, the last accepted one; nothing changed. */
    record OutOfOrder(Job job, long lastId) implements ReportOutcome {}

    /** The job is not external: its handler reports its progress; nothing changed. */
    record NotExternal(Job job) implements ReportOutcome {}
}
