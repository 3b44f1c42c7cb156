package io.jobpulse.execution;

import io.jobpulse.job.Job;

/** What a cancel request did. */
public sealed interface CancelOutcome {

    /** The job as it is after the request. */
    Job job();

    /** Cancelled now (it was QUEUED), asked to stop (it is RUNNING), or already CANCELLED: the job as it is now. */
    record Accepted(Job job) implements CancelOutcome {}

    /** The job had already SUCCEEDED or FAILED. */
    record AlreadyFinished(Job job) implements CancelOutcome {}
}
