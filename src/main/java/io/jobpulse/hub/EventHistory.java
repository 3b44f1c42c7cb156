package io.jobpulse.hub;

import io.jobpulse.job.JobEvent;
import io.jobpulse.job.JobId;
import java.util.List;

/**
 * Reads stored events to fill a gap: those with {@code afterSeq < seq <= upToSeq}, in order, every one that is stored
 * when the range holds at most {@link #MAX_READ} {@code seq}s (a longer range may be answered in part, from its start).
 * The events of a job that ended some time ago may have been compacted ({@code jobpulse.retention.compact-after}): then
 * some of its progress events are not stored any more, and the answer has gaps.
 */
@FunctionalInterface
public interface EventHistory {

    /** The longest range an implementation answers in full. */
    int MAX_READ = 1000;

    List<JobEvent> between(JobId job, long afterSeq, long upToSeq);
}
