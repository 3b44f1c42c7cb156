package io.jobpulse.execution;

import io.jobpulse.job.Job;
import io.jobpulse.job.JobId;
import io.jobpulse.job.JobState;
import java.util.Objects;

/**
 * One run of a job: the job, the attempt its claim started and the node that claimed it. Every write of the run is
 * fenced by it: a node that was paused past its lease (GC, SIGSTOP, a network cut) and whose job another node
 * recovered meanwhile finds the job re-queued, ended, or running in a later attempt, and its late writes change
 * nothing.
 */
record RunId(JobId job, int attempt, String node) {

    static RunId of(Job claimed) {
        return new RunId(claimed.id(), claimed.attempt(), claimed.node());
    }

    /** True while {@code current} is still this run: RUNNING in this attempt on this node (not ended, not recovered). */
    boolean owns(Job current) {
        return current.attempt() == attempt
                && current.state() == JobState.RUNNING
                && Objects.equals(current.node(), node);
    }
}
