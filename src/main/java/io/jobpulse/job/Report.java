package io.jobpulse.job;

import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * One report of the worker that runs an external job: what it says ({@link Content}) and, optionally, its {@code id},
 * a positive number the worker makes larger with every report of the job. The id makes a retry safe: a report whose
 * id was the last one accepted is a repeat and changes nothing, one with a smaller id is out of order.
 */
public record Report(OptionalLong id, Content content) {

    public Report {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(content, "content");
        if (id.isPresent() && id.getAsLong() < 1) {
            throw new IllegalArgumentException("a report id must be a positive integer: " + id.getAsLong());
        }
    }

    /** What a report says; applied to the job once it is RUNNING ({@link Job#reported}). */
    public sealed interface Content {

        /** The next version of the running job, or empty when this report changes nothing. */
        Optional<Job> applyTo(Job running, Instant now);
    }

    /** Only that the worker is alive. */
    public record Heartbeat() implements Content {
        @Override
        public Optional<Job> applyTo(Job running, Instant now) {
            return Optional.empty();
        }
    }

    /** New progress; empty when it equals the job's current progress. */
    public record ProgressMade(Progress progress) implements Content {
        public ProgressMade {
            Objects.requireNonNull(progress, "progress");
        }

        @Override
        public Optional<Job> applyTo(Job running, Instant now) {
            return running.report(progress);
        }
    }

    /** The job is done: SUCCEEDED with this result. */
    public record Succeeded(Map<String, Object> result) implements Content {
        public Succeeded {
            result = Map.copyOf(Objects.requireNonNull(result, "result"));
        }

        @Override
        public Optional<Job> applyTo(Job running, Instant now) {
            return Optional.of(running.succeed(result, now));
        }
    }

    /** The job failed: FAILED with this error, whose kind must not be one JobPulse reserves for itself. */
    public record Failed(JobError error) implements Content {
        public Failed {
            Objects.requireNonNull(error, "error");
            if (JobError.isReserved(error.kind())) {
                throw new IllegalArgumentException("error kind '" + error.kind() + "' is reserved by JobPulse; one of "
                        + JobError.RESERVED_KINDS + " may not be reported");
            }
        }

        @Override
        public Optional<Job> applyTo(Job running, Instant now) {
            return Optional.of(running.fail(error, now));
        }
    }
}
