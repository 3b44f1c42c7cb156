package io.jobpulse.execution;

/** A submission names a job type that no handler of this deployment serves. */
public class UnknownJobTypeException extends Exception {

    public UnknownJobTypeException(String type) {
        super("unknown job type '" + (type.length() > 64 ? type.substring(0, 64) + "..." : type) + "'");
    }
}
