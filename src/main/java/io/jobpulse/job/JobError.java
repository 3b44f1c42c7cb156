package io.jobpulse.job;

import java.util.Collections;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;

/**
 * Why a job failed, as data: a machine-readable kind and a human message, never a stack trace.
 * Kinds used by JobPulse itself ({@link #RESERVED_KINDS}): {@code handler_error}, {@code interrupted}, {@code timeout},
 * {@code unknown_type}, {@code worker_lost}; handlers and external workers add their own.
 */
public record JobError(String kind, String message) {

    public static final int MAX_MESSAGE_LENGTH = 1000;
    public static final String HANDLER_ERROR = "handler_error";
    public static final String INTERRUPTED = "interrupted";
    /** The run took longer than its type's timeout. */
    public static final String TIMEOUT = "timeout";
    /** No node of this deployment has a handler for the job's type. */
    public static final String UNKNOWN_TYPE = "unknown_type";
    /** An external job's worker did not report for longer than its type's heartbeat timeout. */
    public static final String WORKER_LOST = "worker_lost";
    /** The kinds JobPulse records itself; an external worker may not report them. */
    public static final Set<String> RESERVED_KINDS = Collections.unmodifiableSet(
            new TreeSet<>(Set.of(HANDLER_ERROR, INTERRUPTED, TIMEOUT, UNKNOWN_TYPE, WORKER_LOST)));

    public JobError {
        Objects.requireNonNull(kind, "kind");
        message = message == null ? "" : message;
        message = Texts.truncate(message, MAX_MESSAGE_LENGTH);
    }

    /** True for the kinds JobPulse records itself ({@link #RESERVED_KINDS}). */
    public static boolean isReserved(String kind) {
        return RESERVED_KINDS.contains(kind);
    }

    /** The error recorded for a handler that threw: the exception's own message, or its type when it has none. */
    public static JobError fromException(Throwable failure) {
        String text = failure.getMessage();
        return new JobError(
                HANDLER_ERROR,
                text == null || text.isBlank() ? failure.getClass().getSimpleName() : text);
    }
}
