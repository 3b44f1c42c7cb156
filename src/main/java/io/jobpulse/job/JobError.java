package io.jobpulse.job;

import java.util.Objects;

/**
 * Why a job failed, as data: a machine-readable kind and a human message, never a stack trace.
 * Kinds used by JobPulse itself: {@code handler_error}, {@code interrupted}, {@code timeout}, {@code unknown_type};
 * handlers add their own.
 */
public record JobError(String kind, String message) {

    public static final int MAX_MESSAGE_LENGTH = 1000;
    public static final String HANDLER_ERROR = "handler_error";
    public static final String INTERRUPTED = "interrupted";
    /** The run took longer than its type's timeout. */
    public static final String TIMEOUT = "timeout";

    public JobError {
        Objects.requireNonNull(kind, "kind");
        message = message == null ? "" : message;
        message = Texts.truncate(message, MAX_MESSAGE_LENGTH);
    }

    /** The error recorded for a handler that threw: the exception's own message, or its type when it has none. */
    public static JobError fromException(Throwable failure) {
        String text = failure.getMessage();
        return new JobError(
                HANDLER_ERROR,
                text == null || text.isBlank() ? failure.getClass().getSimpleName() : text);
    }
}
