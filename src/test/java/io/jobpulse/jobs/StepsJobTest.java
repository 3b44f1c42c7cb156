package io.jobpulse.jobs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.jobpulse.api.InvalidParametersException;
import io.jobpulse.api.InvalidParametersException.Violation;
import io.jobpulse.api.JobCancelledException;
import io.jobpulse.api.JobFailedException;
import io.jobpulse.job.Progress;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class StepsJobTest {

    private final StepsJob steps = new StepsJob();

    @Test
    void rejectsFailAtBeyondCount() {
        InvalidParametersException e = catchThrowableOfType(
                InvalidParametersException.class,
                () -> FakeJobContext.forHandler(steps, Map.of("count", 3L, "failAt", 4L)));

        assertThat(e.violations()).containsExactly(new Violation("failAt", "must not be greater than count (3)"));
    }

    @Test
    void acceptsFailAtTheLastStep() throws Exception {
        assertThat(FakeJobContext.forHandler(steps, Map.of("count", 3L, "failAt", 3L))
                        .parameters()
                        .getLong("failAt"))
                .isEqualTo(3L);
    }

    @Test
    void countsThroughEveryStepAtTheGivenPace() throws Exception {
        FakeJobContext context = FakeJobContext.forHandler(steps, Map.of("count", 3L, "intervalMs", 250L));

        steps.run(context);

        assertThat(context.progress)
                .containsExactly(
                        new Progress(0, 3, "starting"),
                        new Progress(1, 3, "step 1 of 3"),
                        new Progress(2, 3, "step 2 of 3"),
                        new Progress(3, 3, "step 3 of 3"));
        assertThat(context.sleeps)
                .containsExactly(Duration.ofMillis(250), Duration.ofMillis(250), Duration.ofMillis(250));
        assertThat(context.result).isEqualTo(Map.of("steps", 3L));
    }

    @Test
    void waitsOneHundredMillisecondsByDefault() throws Exception {
        FakeJobContext context = FakeJobContext.forHandler(steps, Map.of("count", 1L));

        steps.run(context);

        assertThat(context.sleeps).containsExactly(Duration.ofMillis(100));
    }

    @Test
    void withoutAnIntervalChecksForCancellationInsteadOfSleeping() throws Exception {
        FakeJobContext context = FakeJobContext.forHandler(steps, Map.of("count", 2L, "intervalMs", 0L));

        steps.run(context);

        assertThat(context.sleeps).isEmpty();
        assertThat(context.result).isEqualTo(Map.of("steps", 2L));
    }

    @Test
    void failsAtTheRequestedStep() throws Exception {
        FakeJobContext context = FakeJobContext.forHandler(steps, Map.of("count", 5L, "failAt", 2L));

        JobFailedException e = catchThrowableOfType(JobFailedException.class, () -> steps.run(context));

        assertThat(e.kind()).isEqualTo("step_failed");
        assertThat(e.getMessage()).contains("step 2");
        assertThat(context.lastProgress()).isEqualTo(new Progress(1, 5, "step 1 of 5"));
        assertThat(context.result).isNull();
    }

    @Test
    void stopsWhenCancelled() throws Exception {
        FakeJobContext context = FakeJobContext.forHandler(steps, Map.of("count", 5L, "intervalMs", 0L));
        context.cancelled = true;

        assertThatThrownBy(() -> steps.run(context)).isInstanceOf(JobCancelledException.class);
        assertThat(context.result).isNull();
    }
}
