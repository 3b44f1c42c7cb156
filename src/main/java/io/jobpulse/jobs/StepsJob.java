package io.jobpulse.jobs;

import io.jobpulse.api.InvalidParametersException;
import io.jobpulse.api.JobContext;
import io.jobpulse.api.JobFailedException;
import io.jobpulse.api.JobHandler;
import io.jobpulse.api.JobParameters;
import io.jobpulse.api.JobType;
import io.jobpulse.api.ParameterSpec;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * Deterministic steps for demos and tests: {@code count} steps, {@code intervalMs} apart, failing at {@code failAt}.
 * Retry-safe: it only waits and reports, so a run cut short by a stopped node is simply counted again from step 1.
 */
@ApplicationScoped
public class StepsJob implements JobHandler {

    private static final JobType TYPE = new JobType(
                    "steps",
                    "Counts through a number of steps at a fixed pace; optionally fails at one step. For demos and tests.",
                    List.of(
                            ParameterSpec.requiredInteger("count", "How many steps", 1, 100_000),
                            ParameterSpec.integer(
                                    "intervalMs", "Milliseconds to wait before each step", 100, 0, 60_000),
                            ParameterSpec.optionalInteger("failAt", "The step at which the job fails", 1, 100_000)))
            .retrySafe(3);

    @Override
    public JobType type() {
        return TYPE;
    }

    @Override
    public void validate(JobParameters parameters) throws InvalidParametersException {
        long count = parameters.getLong("count");
        if (parameters.optionalLong("failAt").filter(at -> at > count).isPresent()) {
            throw new InvalidParametersException("failAt", "must not be greater than count (" + count + ")");
        }
    }

    @Override
    public void run(JobContext context) throws Exception {
        long count = context.parameters().getLong("count");
        Duration interval = Duration.ofMillis(context.parameters().getLong("intervalMs"));
        long failAt = context.parameters().optionalLong("failAt").orElse(0L);
        context.progress(0, count, "starting");
        for (long step = 1; step <= count; step++) {
            if (interval.isZero()) {
                context.checkCancelled();
            } else {
                context.sleep(interval);
            }
            if (step == failAt) {
                throw new JobFailedException("step_failed", "failed at step " + step + " as asked (failAt)");
            }
            context.progress(step, count, "step " + step + " of " + count);
        }
        context.result(Map.of("steps", count));
    }
}
