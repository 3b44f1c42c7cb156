package io.jobpulse.json;

/** Text that is not exactly one JSON object; the message is short and safe to show a client. */
public class MalformedJsonException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public MalformedJsonException(String message, Throwable cause) {
        super(message, cause);
    }
}
