package io.jobpulse.job;

/**
 * The life of a job: QUEUED, then RUNNING, then one of the three terminal states; a run cut short by a stopped
 * node may go back from RUNNING to QUEUED when its type is safe to re-run. A QUEUED job may also be cancelled, or fail
 * without having run (an external job whose worker never reported).
 */
public enum JobState {
    QUEUED,
    RUNNING,
    SUCCEEDED,
    FAILED,
    CANCELLED;

    /** The one transition table of the job state machine. */
    public boolean canMoveTo(JobState target) {
        return switch (this) {
            case QUEUED -> target == RUNNING || target == CANCELLED || target == FAILED;
            case RUNNING -> target == SUCCEEDED || target == FAILED || target == CANCELLED || target == QUEUED;
            case SUCCEEDED, FAILED, CANCELLED -> false;
        };
    }

    public boolean isTerminal() {
        return switch (this) {
            case QUEUED, RUNNING -> false;
            case SUCCEEDED, FAILED, CANCELLED -> true;
        };
    }
}
