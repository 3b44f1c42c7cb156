package io.jobpulse.job;

import java.time.Instant;
import java.util.Map;
import java.util.Objects;

/**
 * One entry of a job's append-only event log: the job's state and progress as of {@code seq}.
 * {@code result} is set on a SUCCEEDED event and {@code error} on a FAILED one; both are null otherwise.
 */
public record JobEvent(
        JobId jobId,
        long seq,
        EventKind kind,
        JobState state,
        Progress progress,
        Instant at,
        Map<String, Object> result,
        JobError error) {

    public JobEvent {
        Objects.requireNonNull(jobId, "jobId");
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(state, "state");
        Objects.requireNonNull(progress, "progress");
        Objects.requireNonNull(at, "at");
        if (seq < 1) {
            throw new IllegalArgumentException("seq starts at 1: " + seq);
        }
    }

    public boolean isTerminal() {
        return state.isTerminal();
    }
}
