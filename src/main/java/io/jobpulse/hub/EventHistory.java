package io.jobpulse.hub;

import io.jobpulse.job.JobEvent;
import io.jobpulse.job.JobId;
import java.util.List;

/** Reads stored events to fill a gap: those with {@code afterSeq < seq <= upToSeq}, in order. */
@FunctionalInterface
public interface EventHistory {

    List<JobEvent> between(JobId job, long afterSeq, long upToSeq);
}
