package io.jobpulse.execution;

import static org.assertj.core.api.Assertions.assertThat;

import io.jobpulse.job.JobError;
import io.jobpulse.job.JobState;
import io.jobpulse.metrics.Counter;
import io.jobpulse.metrics.NodeMetrics;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The timeout of one run on a manual timer: the test decides when a deadline passes, nothing sleeps. */
@Timeout(30)
class TimedRunTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(3);
    private static final long WAIT_MS = 10_000;

    @TempDir
    Path dataDir;

    private ClaimedJob fixture;
    private ScheduledExecutorService progressTimer;
    private final ManualTimer timer = new ManualTimer();
    private final NodeMetrics metrics = new NodeMetrics();
    private final AtomicInteger releases = new AtomicInteger();
    private final AtomicBoolean released = new AtomicBoolean();
    private final List<LogRecord> warnings = new ArrayList<>();
    private final Handler logCapture = new Handler() {
        @Override
        public void publish(LogRecord record) {
            if (Level.WARNING.equals(record.getLevel())) {
                warnings.add(record);
            }
        }

        @Override
        public void flush() {}

        @Override
        public void close() {}
    };
    private Thread jobThread;

    @BeforeEach
    void aClaimedJob() {
        fixture = new ClaimedJob(dataDir);
        progressTimer = Executors.newSingleThreadScheduledExecutor();
        Logger.getLogger(TimedRun.class.getName()).addHandler(logCapture);
    }

    @AfterEach
    void cleanUp() throws InterruptedException {
        released.set(true);
        if (jobThread != null) {
            jobThread.join(WAIT_MS);
        }
        Logger.getLogger(TimedRun.class.getName()).removeHandler(logCapture);
        progressTimer.shutdownNow();
        fixture.close();
    }

    @Test
    void armingSchedulesTheDeadlineAfterTheTimeout() {
        TimedRun timed = timed(context -> {});

        timed.arm();

        assertThat(timer.tasks)
                .singleElement()
                .satisfies(t -> assertThat(t.delay).isEqualTo(TIMEOUT));
    }

    @Test
    void aRunThatEndsInTimeCancelsItsDeadlineAndFreesItsSlotOnce() {
        TimedRun timed = timed(context -> context.result(Map.of("ok", true)));
        timed.arm();

        timed.run();

        assertThat(timer.tasks.get(0).future.isCancelled()).isTrue();
        assertThat(releases).hasValue(1);
        timed.expire();
        assertThat(releases).hasValue(1);
        assertThat(fixture.job().state()).isEqualTo(JobState.SUCCEEDED);
        assertThat(metrics.get(Counter.JOBS_TIMED_OUT)).isZero();
        assertThat(warnings).isEmpty();
    }

    @Test
    void theDeadlineFailsTheJobFreesTheSlotAndCountsItWhileAHandlerIgnoresEverything() throws Exception {
        CountDownLatch spinning = new CountDownLatch(1);
        TimedRun timed = timed(context -> {
            spinning.countDown();
            while (!released.get()) {
                Thread.onSpinWait();
            }
        });
        timed.arm();
        jobThread = new Thread(timed, "jobpulse-job-test");
        jobThread.start();
        assertThat(spinning.await(WAIT_MS, TimeUnit.MILLISECONDS)).isTrue();

        timer.tasks.get(0).task.run();

        assertThat(releases).as("slot freed while the handler still runs").hasValue(1);
        assertThat(jobThread.isAlive()).isTrue();
        assertThat(fixture.job().state()).isEqualTo(JobState.FAILED);
        assertThat(fixture.job().error().kind()).isEqualTo(JobError.TIMEOUT);
        assertThat(fixture.published)
                .extracting(e -> e.state() + " " + e.error().kind())
                .containsExactly("FAILED timeout");
        assertThat(metrics.get(Counter.JOBS_TIMED_OUT)).isEqualTo(1);
        assertThat(warnings)
                .singleElement()
                .satisfies(w ->
                        assertThat(w.getMessage()).contains(fixture.id().value(), "timeout of PT3S", "slot freed"));

        timer.tasks.get(1).task.run();
        assertThat(timer.tasks.get(1).delay).isEqualTo(TimedRun.STUCK_REPORT_AFTER);
        assertThat(warnings).hasSize(2);
        assertThat(warnings.get(1).getMessage()).contains("ignored its timeout", "jobpulse-job-test");
        assertThat(warnings.get(1).getThrown().getStackTrace()).isNotEmpty();

        released.set(true);
        jobThread.join(WAIT_MS);
        assertThat(jobThread.isAlive()).isFalse();
        assertThat(releases).as("given back once only").hasValue(1);
        assertThat(fixture.job().error().kind()).isEqualTo(JobError.TIMEOUT);
    }

    @Test
    void aHandlerThatStoppedBeforeTheStuckReportIsNotReported() throws Exception {
        TimedRun timed = timed(context -> context.sleep(Duration.ofSeconds(60)));
        timed.arm();
        jobThread = new Thread(timed, "jobpulse-job-test");
        jobThread.start();
        awaitHandlerThread();

        timer.tasks.get(0).task.run();
        jobThread.join(WAIT_MS);
        timer.tasks.get(1).task.run();

        assertThat(warnings).hasSize(1);
        assertThat(releases).hasValue(1);
    }

    @Test
    void aRefusedLaunchStopsTheClockAndFreesTheSlot() {
        TimedRun timed = timed(context -> {});
        timed.arm();

        timed.notLaunched();

        assertThat(timer.tasks.get(0).future.isCancelled()).isTrue();
        assertThat(releases).hasValue(1);
    }

    private void awaitHandlerThread() throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(WAIT_MS);
        while (jobThread.getState() != Thread.State.TIMED_WAITING && System.nanoTime() < deadline) {
            Thread.onSpinWait();
        }
        assertThat(jobThread.getState()).isEqualTo(Thread.State.TIMED_WAITING);
    }

    private TimedRun timed(RunningJobTest.Body body) {
        RunningJob run = fixture.run(body, new RunLimits(TIMEOUT, 1), progressTimer);
        return new TimedRun(run, TIMEOUT, releases::incrementAndGet, metrics, timer);
    }

    /** Records what is scheduled; the test runs the tasks itself. */
    private static final class ManualTimer implements TimedRun.Timer {
        record Scheduled(Runnable task, Duration delay, CompletableFuture<Void> future) {}

        final List<Scheduled> tasks = new ArrayList<>();

        @Override
        public synchronized Future<?> schedule(Runnable task, Duration delay) {
            CompletableFuture<Void> future = new CompletableFuture<>();
            tasks.add(new Scheduled(task, delay, future));
            return future;
        }
    }
}
