package com.example.reports;

import io.jobpulse.api.InvalidParametersException;
import io.jobpulse.api.JobCancelledException;
import io.jobpulse.api.JobContext;
import io.jobpulse.api.JobHandler;
import io.jobpulse.api.JobParameters;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Runs a handler on the test thread, as a unit test's stand-in for the server: validates the parameters as a
 * submission is validated, records progress, pauses and the result, and turns cancelled after a given number of
 * cancel checks. Pauses are recorded, not waited.
 */
final class RecordingJobContext implements JobContext {

    record Step(long done, long total, String message) {}

    private final JobParameters parameters;
    private final int checksBeforeCancel;
    private int checks;
    private boolean cancelled;
    final List<Step> progress = new ArrayList<>();
    final List<Duration> pauses = new ArrayList<>();
    Map<String, Object> result;

    private RecordingJobContext(JobParameters parameters, int checksBeforeCancel) {
        this.parameters = parameters;
        this.checksBeforeCancel = checksBeforeCancel;
    }

    /** A context for {@code raw} parameters, validated by the handler's type and its own {@code validate}. */
    static RecordingJobContext forHandler(JobHandler handler, Map<String, Object> raw)
            throws InvalidParametersException {
        return forHandler(handler, raw, Integer.MAX_VALUE);
    }

    /** Like {@link #forHandler(JobHandler, Map)}, cancelled once the handler asked {@code checks} times. */
    static RecordingJobContext forHandler(JobHandler handler, Map<String, Object> raw, int checks)
            throws InvalidParametersException {
        JobParameters parameters = handler.type().validate(raw);
        handler.validate(parameters);
        return new RecordingJobContext(parameters, checks);
    }

    @Override
    public String jobId() {
        return "RecordingJobContext0000";
    }

    @Override
    public JobParameters parameters() {
        return parameters;
    }

    @Override
    public void progress(long done, long total, String message) {
        progress.add(new Step(done, total, message));
    }

    @Override
    public boolean isCancelled() {
        return cancelled;
    }

    @Override
    public void checkCancelled() throws JobCancelledException {
        if (++checks > checksBeforeCancel) {
            cancelled = true;
        }
        if (cancelled) {
            throw new JobCancelledException();
        }
    }

    @Override
    public void sleep(Duration duration) throws JobCancelledException {
        checkCancelled();
        pauses.add(duration);
    }

    @Override
    public void result(Map<String, Object> value) {
        result = value;
    }
}
