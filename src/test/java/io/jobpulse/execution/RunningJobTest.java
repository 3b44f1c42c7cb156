package io.jobpulse.execution;

import static org.assertj.core.api.Assertions.assertThat;

import io.jobpulse.api.JobContext;
import io.jobpulse.api.JobFailedException;
import io.jobpulse.job.EventKind;
import io.jobpulse.job.Job;
import io.jobpulse.job.JobError;
import io.jobpulse.job.JobEvent;
import io.jobpulse.job.JobId;
import io.jobpulse.job.JobState;
import io.jobpulse.job.Progress;
import io.jobpulse.store.JdbcJobStore;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** A RunningJob over a real store (H2 in a temporary directory) and a real timer; the handlers are test lambdas. */
@Timeout(30)
class RunningJobTest {

    private static final double RATE = ClaimedJob.RATE;
    private static final Duration WAIT = Duration.ofSeconds(10);

    @TempDir
    Path dataDir;

    private ClaimedJob fixture;
    private JdbcJobStore store;
    private ScheduledExecutorService timer;
    private List<JobEvent> published;
    private JobId id;
    private Thread jobThread;

    @BeforeEach
    void aRunningJob() {
        fixture = new ClaimedJob(dataDir);
        store = fixture.store;
        published = fixture.published;
        id = fixture.id();
        timer = Executors.newSingleThreadScheduledExecutor();
    }

    @AfterEach
    void cleanUp() throws InterruptedException {
        if (jobThread != null && jobThread.isAlive()) {
            jobThread.interrupt();
            jobThread.join(5_000);
        }
        timer.shutdownNow();
        assertThat(timer.awaitTermination(5, TimeUnit.SECONDS)).isTrue();
        fixture.close();
    }

    @Test
    void aTightProgressLoopStoresAHandfulOfEventsEndingWithTheLastValue() throws Exception {
        long[] loopNanos = new long[1];
        RunningJob run = running(context -> {
            long start = System.nanoTime();
            for (long done = 1; done <= 1_000_000; done++) {
                context.progress(done, 1_000_000, "working");
            }
            loopNanos[0] = System.nanoTime() - start;
        });

        run.execute();

        List<JobEvent> events = storedEvents();
        List<JobEvent> progress =
                events.stream().filter(e -> e.kind() == EventKind.PROGRESS).toList();
        // a handful: the first at once, one per 100 ms of the loop, and the final flush
        long loopMs = TimeUnit.NANOSECONDS.toMillis(loopNanos[0]);
        assertThat(progress).as("PROGRESS events of a %d ms loop", loopMs).hasSizeBetween(1, (int) (loopMs / 100 + 3));
        JobEvent last = events.get(events.size() - 1);
        JobEvent beforeLast = events.get(events.size() - 2);
        assertThat(last.state()).isEqualTo(JobState.SUCCEEDED);
        assertThat(beforeLast.kind()).isEqualTo(EventKind.PROGRESS);
        assertThat(beforeLast.progress()).isEqualTo(new Progress(1_000_000, 1_000_000, "working"));
        assertThat(last.progress().done()).isEqualTo(1_000_000);
        assertThat(last.seq()).isEqualTo(beforeLast.seq() + 1);
    }

    @Test
    void storesAtMostTheConfiguredRateWhileAHandlerReportsContinuously() throws Exception {
        long[] loopNanos = new long[1];
        RunningJob run = running(context -> {
            long start = System.nanoTime();
            long done = 0;
            while (System.nanoTime() - start < TimeUnit.MILLISECONDS.toNanos(1_500)) {
                context.progress(++done, 0, "");
                Thread.sleep(0, 200_000);
            }
            loopNanos[0] = System.nanoTime() - start;
        });

        run.execute();

        long progressEvents = storedEvents().stream()
                .filter(e -> e.kind() == EventKind.PROGRESS)
                .count();
        double seconds = loopNanos[0] / 1e9;
        // the first update goes out at once, then at most RATE per second, plus the final flush
        assertThat(progressEvents)
                .as("PROGRESS events in %.2f s at %s/s", seconds, RATE)
                .isLessThanOrEqualTo((long) Math.ceil(seconds * RATE) + 2);
    }

    @Test
    void publishesExactlyTheStoredEventsInSeqOrderWithoutGaps() throws Exception {
        RunningJob run = running(context -> {
            for (int i = 1; i <= 5; i++) {
                context.progress(i, 5, "step " + i);
                context.sleep(Duration.ofMillis(60));
            }
        });

        run.execute();

        List<JobEvent> stored = storedEvents();
        assertThat(published).isEqualTo(stored);
        assertThat(published)
                .extracting(JobEvent::seq)
                .isEqualTo(java.util.stream.LongStream.rangeClosed(3, 2 + published.size())
                        .boxed()
                        .toList());
        assertThat(published.get(published.size() - 1).state()).isEqualTo(JobState.SUCCEEDED);
        assertThat(published.get(published.size() - 1).progress()).isEqualTo(new Progress(5, 5, "step 5"));
    }

    @Test
    void storesTheResultOnSuccess() throws Exception {
        Map<String, Object> result = Map.of("answer", 42L, "tags", List.of("a", "b"), "nested", Map.of("ok", true));
        RunningJob run = running(context -> context.result(result));

        run.execute();

        Job job = job();
        assertThat(job.state()).isEqualTo(JobState.SUCCEEDED);
        assertThat(job.result()).isEqualTo(result);
        assertThat(job.finishedAt()).isNotNull();
        assertThat(published).singleElement().satisfies(e -> {
            assertThat(e.state()).isEqualTo(JobState.SUCCEEDED);
            assertThat(e.result()).isEqualTo(result);
        });
    }

    @Test
    void aHandlerThatThrowsEndsFailedWithItsMessage() throws Exception {
        RunningJob run = running(context -> {
            throw new IllegalStateException("disk on fire");
        });

        run.execute();

        assertThat(job().state()).isEqualTo(JobState.FAILED);
        assertThat(job().error()).isEqualTo(new JobError(JobError.HANDLER_ERROR, "disk on fire"));
        assertThat(published)
                .singleElement()
                .extracting(JobEvent::error)
                .isEqualTo(new JobError(JobError.HANDLER_ERROR, "disk on fire"));
    }

    @Test
    void aHandlerErrorWithoutMessageIsNamedByItsType() throws Exception {
        RunningJob run = running(context -> {
            throw new UnsupportedOperationException();
        });

        run.execute();

        assertThat(job().error()).isEqualTo(new JobError(JobError.HANDLER_ERROR, "UnsupportedOperationException"));
    }

    @Test
    void aTooLargeResultFailsTheJob() throws Exception {
        RunningJob run = running(context -> context.result(Map.of("big", "x".repeat(Job.MAX_RESULT_CHARS))));

        run.execute();

        assertThat(job().state()).isEqualTo(JobState.FAILED);
        assertThat(job().error().kind()).isEqualTo(JobError.HANDLER_ERROR);
        assertThat(job().error().message()).startsWith("job result too large");
    }

    @Test
    void jobFailedExceptionChoosesTheErrorKind() throws Exception {
        RunningJob run = running(context -> {
            throw new JobFailedException("quota_exceeded", "over quota");
        });

        run.execute();

        assertThat(job().state()).isEqualTo(JobState.FAILED);
        assertThat(job().error()).isEqualTo(new JobError("quota_exceeded", "over quota"));
    }

    @Test
    void cancelDuringSleepEndsCancelledPromptly() throws Exception {
        RunningJob run = sleepingRun(ClaimedJob.NOT_RETRIED);

        long start = System.nanoTime();
        run.cancel();

        assertThat(run.awaitFinished(WAIT)).isTrue();
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(1));
        assertThat(run.isCancelled()).isTrue();
        assertThat(job().state()).isEqualTo(JobState.CANCELLED);
        assertThat(published).last().extracting(JobEvent::state).isEqualTo(JobState.CANCELLED);
    }

    @Test
    void checkCancelledThrowsOnceCancelled() throws Exception {
        CountDownLatch looping = new CountDownLatch(1);
        RunningJob run = running(context -> {
            while (true) {
                looping.countDown();
                context.checkCancelled();
                Thread.onSpinWait();
            }
        });
        startOnItsOwnThread(run);
        assertThat(looping.await(WAIT.toMillis(), TimeUnit.MILLISECONDS)).isTrue();

        run.cancel();

        assertThat(run.awaitFinished(WAIT)).isTrue();
        assertThat(job().state()).isEqualTo(JobState.CANCELLED);
    }

    @Test
    void interruptEndsFailedWithKindInterrupted() throws Exception {
        RunningJob run = sleepingRun(ClaimedJob.NOT_RETRIED);

        run.interrupt();

        assertThat(run.awaitFinished(WAIT)).isTrue();
        assertThat(job().state()).isEqualTo(JobState.FAILED);
        assertThat(job().error().kind()).isEqualTo(JobError.INTERRUPTED);
    }

    @Test
    void anInterruptedJobThreadEndsFailedWithKindInterrupted() throws Exception {
        CountDownLatch sleeping = new CountDownLatch(1);
        RunningJob run = running(context -> {
            sleeping.countDown();
            Thread.sleep(60_000);
        });
        startOnItsOwnThread(run);
        assertThat(sleeping.await(WAIT.toMillis(), TimeUnit.MILLISECONDS)).isTrue();

        jobThread.interrupt();

        assertThat(run.awaitFinished(WAIT)).isTrue();
        assertThat(job().state()).isEqualTo(JobState.FAILED);
        assertThat(job().error()).isEqualTo(new JobError(JobError.INTERRUPTED, "the job thread was interrupted"));
    }

    @Test
    void theTrailingFlushStoresAHeldBackProgressWhileTheHandlerSleeps() throws Exception {
        CountDownLatch reported = new CountDownLatch(1);
        RunningJob run = running(context -> {
            context.progress(1, 10, "one");
            context.progress(2, 10, "two");
            reported.countDown();
            context.sleep(Duration.ofSeconds(30));
        });
        startOnItsOwnThread(run);
        assertThat(reported.await(WAIT.toMillis(), TimeUnit.MILLISECONDS)).isTrue();
        long start = System.nanoTime();

        Job seen = pollJob(j -> j.progress().done() == 2, Duration.ofSeconds(3));

        assertThat(seen.progress())
                .as(
                        "stored while the handler still sleeps (took %d ms)",
                        TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start))
                .isEqualTo(new Progress(2, 10, "two"));
        assertThat(seen.state()).isEqualTo(JobState.RUNNING);
        run.cancel();
        assertThat(run.awaitFinished(WAIT)).isTrue();
        assertThat(storedEvents())
                .extracting(e -> e.kind() + " " + e.state() + " " + e.progress().done())
                .containsExactly("PROGRESS RUNNING 1", "PROGRESS RUNNING 2", "STATE CANCELLED 2");
    }

    @Test
    void unchangedProgressStoresNothing() throws Exception {
        RunningJob run = running(context -> {
            context.progress(0, 0, "");
            context.progress(0, 0, null);
        });

        run.execute();

        assertThat(storedEvents()).extracting(JobEvent::kind).containsExactly(EventKind.STATE);
    }

    // ---- interruption and re-queue

    @Test
    void interruptOfARetrySafeJobRequeuesItForTheNextAttempt() throws Exception {
        CountDownLatch sleeping = new CountDownLatch(1);
        RunningJob run = running(
                context -> {
                    context.progress(3, 10, "three");
                    sleeping.countDown();
                    context.sleep(Duration.ofSeconds(60));
                },
                new RunLimits(Duration.ofHours(1), 3));
        startOnItsOwnThread(run);
        assertThat(sleeping.await(WAIT.toMillis(), TimeUnit.MILLISECONDS)).isTrue();

        run.interrupt();

        assertThat(run.awaitFinished(WAIT)).isTrue();
        Job job = job();
        assertThat(job.state()).isEqualTo(JobState.QUEUED);
        assertThat(job.error()).isNull();
        JobEvent last = published.get(published.size() - 1);
        assertThat(last.kind()).isEqualTo(EventKind.STATE);
        assertThat(last.state()).isEqualTo(JobState.QUEUED);
        assertThat(last.seq()).isEqualTo(job.seq());
        assertThat(last.progress())
                .isEqualTo(new Progress(
                        0, 10, "re-queued after interruption (" + RunningJob.SERVER_STOPPED + "), attempt 2 of 3"));
    }

    @Test
    void aLateRunChangesNothingOnceItsJobWasStartedAgain() throws Exception {
        CountDownLatch started = new CountDownLatch(1);
        CountDownLatch goOn = new CountDownLatch(1);
        RunningJob stale = running(
                context -> {
                    started.countDown();
                    assertThat(goOn.await(WAIT.toMillis(), TimeUnit.MILLISECONDS))
                            .isTrue();
                    context.progress(9, 10, "from the stale run");
                },
                new RunLimits(Duration.ofHours(1), 3));
        startOnItsOwnThread(stale);
        assertThat(started.await(WAIT.toMillis(), TimeUnit.MILLISECONDS)).isTrue();
        // meanwhile another node found the job orphaned, re-queued it and started it again
        Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        store.update(id, now, job -> Optional.of(job.interrupt("the node running the job stopped", 3, now)));
        Job rerun = store.claimNext("node-2", now, java.time.Duration.ofSeconds(60))
                .orElseThrow()
                .job();
        assertThat(rerun.attempt()).isEqualTo(2);

        goOn.countDown();

        assertThat(stale.awaitFinished(WAIT)).isTrue();
        assertThat(job()).isEqualTo(rerun);
        assertThat(published).isEmpty();
    }

    // ---- timeout

    @Test
    void timeOutEndsTheJobFailedTimeoutAtOnceAndWakesASleepingHandler() throws Exception {
        RunningJob run = sleepingRun(new RunLimits(Duration.ofSeconds(3), 1));

        assertThat(run.timeOut()).isTrue();

        assertThat(job().state()).isEqualTo(JobState.FAILED);
        assertThat(job().error())
                .isEqualTo(new JobError(JobError.TIMEOUT, "the job ran longer than its timeout of PT3S"));
        assertThat(run.awaitFinished(WAIT)).isTrue();
        assertThat(published).singleElement().satisfies(e -> {
            assertThat(e.state()).isEqualTo(JobState.FAILED);
            assertThat(e.error().kind()).isEqualTo(JobError.TIMEOUT);
        });
    }

    @Test
    void timeOutInterruptsAHandlerThatIgnoresStopsAndLaterItsOutcomeIsNotRecorded() throws Exception {
        AtomicBoolean released = new AtomicBoolean();
        AtomicBoolean sawInterrupt = new AtomicBoolean();
        AtomicBoolean interruptLeftOnThread = new AtomicBoolean(true);
        CountDownLatch spinning = new CountDownLatch(1);
        RunningJob run = running(context -> {
            spinning.countDown();
            while (!released.get()) {
                Thread.onSpinWait();
            }
            sawInterrupt.set(Thread.currentThread().isInterrupted());
            context.progress(1, 1, "done anyway");
            context.result(Map.of("late", true));
        });
        jobThread = new Thread(
                () -> {
                    run.execute();
                    interruptLeftOnThread.set(Thread.currentThread().isInterrupted());
                },
                "job-" + id);
        jobThread.start();
        assertThat(spinning.await(WAIT.toMillis(), TimeUnit.MILLISECONDS)).isTrue();

        assertThat(run.timeOut()).isTrue();
        assertThat(job().error().kind()).isEqualTo(JobError.TIMEOUT);
        assertThat(run.isFinished()).isFalse();
        assertThat(run.handlerThread()).contains(jobThread);
        released.set(true);

        assertThat(run.awaitFinished(WAIT)).isTrue();
        jobThread.join(WAIT.toMillis());
        assertThat(sawInterrupt).as("the handler's thread was interrupted").isTrue();
        assertThat(interruptLeftOnThread)
                .as("JobPulse's interrupt is cleared before the thread goes back")
                .isFalse();
        assertThat(job().state()).isEqualTo(JobState.FAILED);
        assertThat(job().error().kind()).isEqualTo(JobError.TIMEOUT);
        assertThat(published).extracting(JobEvent::state).containsExactly(JobState.FAILED);
    }

    @Test
    void theTimeoutInterruptNeverLandsInAStoreWriteOfTheHandler() throws Exception {
        // every progress call would write (rate unbounded), and the handler goes on reporting after it was told to
        // stop, so without care the interrupt would hit H2's file I/O and close the database
        CountDownLatch writing = new CountDownLatch(100);
        RunningJob run = fixture.run(
                context -> {
                    long afterStop = 0;
                    for (long i = 1; afterStop < 1000; i++) {
                        context.progress(i, 0, "busy");
                        writing.countDown();
                        afterStop += context.isCancelled() ? 1 : 0;
                    }
                },
                ClaimedJob.NOT_RETRIED,
                timer,
                1e9);
        startOnItsOwnThread(run);
        assertThat(writing.await(WAIT.toMillis(), TimeUnit.MILLISECONDS)).isTrue();

        assertThat(run.timeOut()).isTrue();

        assertThat(run.awaitFinished(WAIT)).isTrue();
        Job job = job();
        assertThat(job.error().kind()).isEqualTo(JobError.TIMEOUT);
        assertThat(storedEvents().get(storedEvents().size() - 1).seq()).isEqualTo(job.seq());
        assertThat(fixture.writesWhileInterrupted).hasValue(0);
    }

    @Test
    void timeOutAfterTheJobEndedChangesNothing() throws Exception {
        RunningJob run = running(context -> context.result(Map.of("ok", true)));
        run.execute();

        assertThat(run.timeOut()).isFalse();

        assertThat(job().state()).isEqualTo(JobState.SUCCEEDED);
        assertThat(published).extracting(JobEvent::state).containsExactly(JobState.SUCCEEDED);
    }

    @Test
    void aRunWhoseTimeRanOutBeforeItStartedNeverCallsItsHandler() throws Exception {
        AtomicBoolean called = new AtomicBoolean();
        RunningJob run = running(context -> called.set(true));

        assertThat(run.timeOut()).isTrue();
        run.execute();

        assertThat(called).isFalse();
        assertThat(run.isFinished()).isTrue();
        assertThat(job().error().kind()).isEqualTo(JobError.TIMEOUT);
    }

    // ---- helpers

    @FunctionalInterface
    interface Body {
        void run(JobContext context) throws Exception;
    }

    private RunningJob running(Body body) {
        return running(body, ClaimedJob.NOT_RETRIED);
    }

    private RunningJob running(Body body, RunLimits limits) {
        return fixture.run(body, limits, timer);
    }

    /** A run started on its own thread, once its handler sleeps (60 s, unless stopped). */
    private RunningJob sleepingRun(RunLimits limits) throws InterruptedException {
        CountDownLatch sleeping = new CountDownLatch(1);
        RunningJob run = running(
                context -> {
                    sleeping.countDown();
                    context.sleep(Duration.ofSeconds(60));
                },
                limits);
        startOnItsOwnThread(run);
        assertThat(sleeping.await(WAIT.toMillis(), TimeUnit.MILLISECONDS)).isTrue();
        return run;
    }

    private void startOnItsOwnThread(RunningJob run) {
        jobThread = new Thread(run::execute, "job-" + id);
        jobThread.start();
    }

    private Job job() {
        return fixture.job();
    }

    private List<JobEvent> storedEvents() {
        return fixture.storedEvents();
    }

    private Job pollJob(Predicate<Job> condition, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        Job job = job();
        while (!condition.test(job) && System.nanoTime() < deadline) {
            Thread.sleep(5);
            job = job();
        }
        return job;
    }
}
