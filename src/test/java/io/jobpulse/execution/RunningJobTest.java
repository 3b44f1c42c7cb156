package io.jobpulse.execution;

import static org.assertj.core.api.Assertions.assertThat;

import io.jobpulse.job.EventKind;
import io.jobpulse.job.Job;
import io.jobpulse.job.JobError;
import io.jobpulse.job.JobEvent;
import io.jobpulse.job.JobId;
import io.jobpulse.job.JobState;
import io.jobpulse.job.Progress;
import io.jobpulse.store.Database;
import io.jobpulse.store.JdbcJobStore;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.h2.jdbcx.JdbcConnectionPool;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** A RunningJob over a real store (H2 in a temporary directory) and a real timer; the handlers are test lambdas. */
@Timeout(30)
class RunningJobTest {

    private static final double RATE = 10;
    private static final Duration WAIT = Duration.ofSeconds(10);

    @TempDir
    Path dataDir;

    private JdbcConnectionPool pool;
    private JdbcJobStore store;
    private ScheduledExecutorService timer;
    private final List<JobEvent> published = new CopyOnWriteArrayList<>();
    private JobId id;
    private Thread jobThread;

    @BeforeEach
    void aRunningJob() {
        pool = JdbcConnectionPool.create("jdbc:h2:file:" + dataDir.resolve("jobs").toAbsolutePath(), "sa", "");
        Database.migrate(pool);
        store = new JdbcJobStore(pool);
        timer = Executors.newSingleThreadScheduledExecutor();
        Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        Job job = Job.submit(JobId.random(), "test", "a test job", "alice", Map.of(), now);
        store.submit(job, Optional.empty());
        Job claimed = store.claimNext("node-1", now, now.plusSeconds(60)).orElseThrow().job();
        assertThat(claimed.id()).isEqualTo(job.id());
        assertThat(claimed.state()).isEqualTo(JobState.RUNNING);
        id = job.id();
    }

    @AfterEach
    void cleanUp() throws InterruptedException {
        if (jobThread != null && jobThread.isAlive()) {
            jobThread.interrupt();
            jobThread.join(5_000);
        }
        timer.shutdownNow();
        assertThat(timer.awaitTermination(5, TimeUnit.SECONDS)).isTrue();
        pool.dispose();
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
        List<JobEvent> progress = events.stream().filter(e -> e.kind() == EventKind.PROGRESS).toList();
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

        long progressEvents = storedEvents().stream().filter(e -> e.kind() == EventKind.PROGRESS).count();
        double seconds = loopNanos[0] / 1e9;
        // the first update goes out at once, then at most RATE per second, plus the final flush
        assertThat(progressEvents).as("PROGRESS events in %.2f s at %s/s", seconds, RATE)
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
        assertThat(published).extracting(JobEvent::seq)
                .isEqualTo(java.util.stream.LongStream.rangeClosed(3, 2 + published.size()).boxed().toList());
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
        assertThat(published).singleElement().extracting(JobEvent::error)
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
        RunningJob run = running(context -> context.result(Map.of("big", "x".repeat(RunningJob.MAX_RESULT_CHARS))));

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
        CountDownLatch sleeping = new CountDownLatch(1);
        RunningJob run = running(context -> {
            sleeping.countDown();
            context.sleep(Duration.ofSeconds(60));
        });
        startOnItsOwnThread(run);
        assertThat(sleeping.await(WAIT.toMillis(), TimeUnit.MILLISECONDS)).isTrue();

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
        CountDownLatch sleeping = new CountDownLatch(1);
        RunningJob run = running(context -> {
            sleeping.countDown();
            context.sleep(Duration.ofSeconds(60));
        });
        startOnItsOwnThread(run);
        assertThat(sleeping.await(WAIT.toMillis(), TimeUnit.MILLISECONDS)).isTrue();

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

        assertThat(seen.progress()).as("stored while the handler still sleeps (took %d ms)",
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start)).isEqualTo(new Progress(2, 10, "two"));
        assertThat(seen.state()).isEqualTo(JobState.RUNNING);
        run.cancel();
        assertThat(run.awaitFinished(WAIT)).isTrue();
        assertThat(storedEvents()).extracting(e -> e.kind() + " " + e.state() + " " + e.progress().done())
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

    // ---- helpers

    @FunctionalInterface
    interface Body {
        void run(JobContext context) throws Exception;
    }

    private RunningJob running(Body body) {
        JobHandler handler = new JobHandler() {
            @Override
            public JobType type() {
                return new JobType("test", "a test handler", List.of());
            }

            @Override
            public void run(JobContext context) throws Exception {
                body.run(context);
            }
        };
        return new RunningJob(id, handler, new JobParameters(Map.of()), store, published::add, timer, RATE);
    }

    private void startOnItsOwnThread(RunningJob run) {
        jobThread = new Thread(run::execute, "job-" + id);
        jobThread.start();
    }

    private Job job() {
        return store.find(id).orElseThrow();
    }

    /** The events RunningJob wrote: everything after the claim (seq 2). */
    private List<JobEvent> storedEvents() {
        return store.eventsAfter(id, 2, Long.MAX_VALUE, 100_000);
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
