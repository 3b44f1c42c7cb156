package io.jobpulse.jobs;

import io.jobpulse.api.InvalidParametersException;
import io.jobpulse.api.JobCancelledException;
import io.jobpulse.api.JobContext;
import io.jobpulse.api.JobHandler;
import io.jobpulse.api.JobParameters;
import io.jobpulse.job.Progress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Runs a handler on the test thread: records progress and the result, sleeps without waiting. */
final class FakeJobContext implements JobContext {

    private final JobParameters parameters;
    final List<Progress> progress = new ArrayList<>();
    final List<Duration> sleeps = new ArrayList<>();
    Map<String, Object> result;
    boolean cancelled;

    private FakeJobContext(JobParameters parameters) {
        this.parameters = parameters;
    }

    /** Validates {@code raw} the way a submission is validated, then gives the handler a context for it. */
    static FakeJobContext forHandler(JobHandler handler, Map<String, Object> raw) throws InvalidParametersException {
        JobParameters parameters = handler.type().validate(raw);
        handler.validate(parameters);
        return new FakeJobContext(parameters);
    }

    @Override
    public String jobId() {
        return "AAAAAAAAAAAAAAAAAAAAAA";
    }

    @Override
    public JobParameters parameters() {
        return parameters;
    }

    @Override
    public void progress(long done, long total, String message) {
        progress.add(new Progress(done, total, message));
    }

    @Override
    public boolean isCancelled() {
        return cancelled;
    }

    @Override
    public void checkCancelled() throws JobCancelledException {
        if (cancelled) {
            throw new JobCancelledException();
        }
    }

    @Override
    public void sleep(Duration duration) throws JobCancelledException {
        checkCancelled();
        sleeps.add(duration);
    }

    @Override
    public void result(Map<String, Object> value) {
        result = Map.copyOf(value);
    }

    Progress lastProgress() {
        return progress.get(progress.size() - 1);
    }
}
