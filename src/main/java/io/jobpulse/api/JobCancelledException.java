package io.jobpulse.api;

/** Thrown from the context when a job should stop; handlers let it propagate. */
public class JobCancelledException extends Exception {

    public JobCancelledException() {
        super("job cancelled");
    }
}
