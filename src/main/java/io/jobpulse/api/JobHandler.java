package io.jobpulse.api;

/**
 * The SPI for job types. Implement it in a CDI bean (for example {@code @ApplicationScoped}), one per type name;
 * JobPulse finds every such bean at deployment. {@link #run} is called on a job thread with the job's context and
 * may take as long as it needs; it reports progress through the context and should call
 * {@link JobContext#checkCancelled()} (or use {@link JobContext#sleep}) between units of work.
 * Returning normally means SUCCEEDED with the result set on the context; throwing means FAILED with the
 * exception's message recorded (use {@link JobFailedException} to choose the error kind).
 */
public interface JobHandler {

    JobType type();

    /** Checks that go beyond one parameter's spec (for example one parameter bounded by another). */
    default void validate(JobParameters parameters) throws InvalidParametersException {
        // most types need nothing beyond their parameter specs
    }

    void run(JobContext context) throws Exception;
}
