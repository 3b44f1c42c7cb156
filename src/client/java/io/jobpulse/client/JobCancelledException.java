package io.jobpulse.client;

import jakarta.json.JsonObject;
import java.time.Duration;
import java.util.Optional;

/**
 * The external job was cancelled: thrown by the {@link ExternalJob} call whose answer said so ({@code "cancel":
 * true}), and by every call after it. The worker should stop; the job is already {@code CANCELLED}, so
 * {@link ExternalJob#close()} reports nothing more.
 */
public class JobCancelledException extends JobPulseException {

    private static final long serialVersionUID = 1L;

    JobCancelledException(int status, JsonObject problem, Optional<Duration> retryAfter) {
        super(status, problem, retryAfter);
    }

    JobCancelledException(String jobId) {
        super(
                409,
                "urn:jobpulse:problem:job-ended",
                "Job Cancelled",
                "The job " + jobId + " was cancelled; stop working on it.",
                JsonValues.PROVIDER.createObjectBuilder().build(),
                Optional.empty(),
                null);
    }
}
