package io.jobpulse.execution;

import io.jobpulse.job.Job;
import io.jobpulse.job.JobId;
import io.jobpulse.job.JobState;

/** One run of a job: the job and the attempt its claim started. Every write of the run is fenced by it. */
record RunId(JobId job, int attempt) {

    static RunId of(Job claimed) {
        return new RunId(claimed.id(), claimed.attempt());
    }

    /** True while {@code current} is still this run: RUNNING in this attempt (not ended, not re-queued or restarted). */
    boolean owns(Job current) {
        return current.attempt() == attempt && current.state() == JobState.RUNNING;
    }
}
