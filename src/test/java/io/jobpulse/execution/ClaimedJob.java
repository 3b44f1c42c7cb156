package io.jobpulse.execution;

import static org.assertj.core.api.Assertions.assertThat;

import io.jobpulse.api.JobContext;
import io.jobpulse.api.JobHandler;
import io.jobpulse.api.JobParameters;
import io.jobpulse.api.JobType;
import io.jobpulse.job.Job;
import io.jobpulse.job.JobEvent;
import io.jobpulse.job.JobId;
import io.jobpulse.job.JobState;
import io.jobpulse.runtime.Clocks;
import io.jobpulse.store.Change;
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
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.h2.jdbcx.JdbcConnectionPool;

/** A store (H2 in a directory of the test's) holding one job that node-1 claimed, and the events published for it. */
final class ClaimedJob implements AutoCloseable {

    static final double RATE = 10;
    static final RunLimits NOT_RETRIED = new RunLimits(Duration.ofHours(1), 1);

    final JdbcJobStore store;
    /** Store writes made by a thread whose interrupt flag was set: with H2 such a write may close the database. */
    final AtomicInteger writesWhileInterrupted = new AtomicInteger();

    final List<JobEvent> published = new CopyOnWriteArrayList<>();
    final Job claimed;
    private final JdbcConnectionPool pool;
    private final ExecutorService writerThread = Executors.newSingleThreadExecutor();
    /** The run writer, on a thread of its own (as in production: never the timer's). */
    final RunWriter writer;

    ClaimedJob(Path dataDir) {
        pool = JdbcConnectionPool.create(
                "jdbc:h2:file:" + dataDir.resolve("jobs").toAbsolutePath(), "sa", "");
        Database.migrate(pool);
        store = new JdbcJobStore(pool) {
            @Override
            public Optional<Change> update(JobId id, Instant at, Function<Job, Optional<Job>> change) {
                if (Thread.currentThread().isInterrupted()) {
                    writesWhileInterrupted.incrementAndGet();
                }
                return super.update(id, at, change);
            }
        };
        writer = new RunWriter(store, published::addAll, writerThread, Clocks.SYSTEM);
        Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        Job job = Job.submit(JobId.random(), "test", "a test job", "alice", Map.of(), now);
        store.submit(job, Optional.empty());
        claimed = store.claimNext("node-1", now, java.time.Duration.ofSeconds(60))
                .orElseThrow()
                .job();
        assertThat(claimed.id()).isEqualTo(job.id());
        assertThat(claimed.state()).isEqualTo(JobState.RUNNING);
        assertThat(claimed.attempt()).isEqualTo(1);
    }

    JobId id() {
        return claimed.id();
    }

    Job job() {
        return store.find(id()).orElseThrow();
    }

    /** The events written after the claim (seq 2). */
    List<JobEvent> storedEvents() {
        return store.eventsAfter(id(), 2, Long.MAX_VALUE, 100_000);
    }

    /** A run of the claimed job whose handler is {@code body}. */
    RunningJob run(RunningJobTest.Body body, RunLimits limits, ScheduledExecutorService timer) {
        return run(body, limits, timer, RATE);
    }

    /** The same with its own progress rate. */
    RunningJob run(RunningJobTest.Body body, RunLimits limits, ScheduledExecutorService timer, double progressRate) {
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
        return new RunningJob(
                claimed, handler, new JobParameters(Map.of()), limits, writer, timer, progressRate, Clocks.SYSTEM);
    }

    @Override
    public void close() throws InterruptedException {
        writerThread.shutdown();
        assertThat(writerThread.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
        pool.dispose();
    }
}
