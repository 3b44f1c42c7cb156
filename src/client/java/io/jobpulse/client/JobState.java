package io.jobpulse.client;

/** A job's state (docs/api.md): {@code QUEUED} → {@code RUNNING} → one of the three terminal states. */
public enum JobState {
    QUEUED,
    RUNNING,
    SUCCEEDED,
    FAILED,
    CANCELLED;

    /** Whether the job has ended: nothing follows a terminal state. */
    public boolean isTerminal() {
        return this == SUCCEEDED || this == FAILED || this == CANCELLED;
    }
}
