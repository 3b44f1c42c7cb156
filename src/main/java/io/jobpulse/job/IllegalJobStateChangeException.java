package io.jobpulse.job;

/** Thrown when a change is asked for that the job state machine does not allow. */
public class IllegalJobStateChangeException extends IllegalStateException {

    private final JobState from;
    private final JobState to;

    public IllegalJobStateChangeException(JobState from, JobState to) {
        super("A job cannot move from " + from + " to " + to);
        this.from = from;
        this.to = to;
    }

    public JobState from() {
        return from;
    }

    public JobState to() {
        return to;
    }
}
