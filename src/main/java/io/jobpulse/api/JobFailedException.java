package io.jobpulse.api;

/** Thrown by a handler to fail its job with an error kind of its choosing and a message for the user. */
public class JobFailedException extends Exception {

    private final String kind;

    public JobFailedException(String kind, String message) {
        super(message);
        this.kind = kind;
    }

    public String kind() {
        return kind;
    }
}
