package io.jobpulse.execution;

import static org.assertj.core.api.Assertions.assertThat;

import io.jobpulse.job.EventKind;
import io.jobpulse.job.Job;
import io.jobpulse.job.JobEvent;
import io.jobpulse.job.JobId;
import io.jobpulse.job.JobState;
import io.jobpulse.store.Change;
import io.jobpulse.store.Database;
import io.jobpulse.store.JdbcJobStore;
import io.jobpulse.store.JobUpdate;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.h2.jdbcx.JdbcConnectionPool;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ProgressWriterTest {

    /** No throttling: every report is due at once, so only the writer coalesces. */
    private static final double UNTHROTTLED = 1e9;

    @TempDir
    Path dir;

    private JdbcConnectionPool pool;
    private JdbcJobStore store;
    private final List<List<JobUpdate>> transactions = new CopyOnWriteArrayList<>();
    private final List<JobEvent> published = new CopyOnWriteArrayList<>();
    /** The writer's executor, run by hand: what it was given waits until the test runs it. */
    private final List<Runnable> writerTasks = new ArrayList<>();
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
    private ProgressWriter writer;

    @BeforeEach
    void store() {
        pool = JdbcConnectionPool.create("jdbc:h2:file:" + dir.resolve("jobs").toAbsolutePath(), "sa", "");
        Database.migrate(pool);
        store = new JdbcJobStore(pool) {
            @Override
            public List<Optional<Change>> updateAll(List<JobUpdate> updates) {
                transactions.add(List.copyOf(updates));
                return super.updateAll(updates);
            }
        };
        writer = new ProgressWriter(store, published::addAll, writerTasks::add);
    }

    @AfterEach
    void close() throws InterruptedException {
        timer.shutdownNow();
        assertThat(timer.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
        pool.dispose();
    }

    private RunningJob claimedRun(JobHandler handler) {
        Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        Job job = Job.submit(JobId.random(), "test", "a test job", "alice", Map.of(), now);
        store.submit(job, Optional.empty());
        Job claimed = store.claimNext("node-1", now, now.plusSeconds(60)).orElseThrow().job();
        return new RunningJob(claimed, handler, new JobParameters(Map.of()), ClaimedJob.NOT_RETRIED, store,
                published::add, writer, timer, UNTHROTTLED);
    }

    private static JobHandler finishing() {
        return new JobHandler() {
            @Override
            public JobType type() {
                return new JobType("test", "a test handler", List.of());
            }

            @Override
            public void run(JobContext context) {
                // ends at once
            }
        };
    }

    private void runWriter() {
        List<Runnable> tasks = List.copyOf(writerTasks);
        writerTasks.clear();
        tasks.forEach(Runnable::run);
    }

    private List<String> storedAfterClaim(JobId id) {
        return store.eventsAfter(id, 2, Long.MAX_VALUE, 100).stream()
                .map(e -> e.seq() + " " + e.kind() + " " + e.state() + " " + e.progress().done()).toList();
    }

    @Test
    void jobsThatReportWhileTheWriterIsBusyShareOneCommitAndEachStoresItsNewestProgress() {
        RunningJob a = claimedRun(finishing());
        RunningJob b = claimedRun(finishing());
        RunningJob quiet = claimedRun(finishing());

        a.progress(1, 10, "a one");
        b.progress(1, 10, "b one");
        a.progress(2, 10, "a two");
        assertThat(writerTasks).as("one writer at a time").hasSize(1);
        runWriter();

        assertThat(transactions).singleElement().satisfies(t -> assertThat(t).extracting(JobUpdate::id)
                .containsExactlyElementsOf(List.of(a.jobId(), b.jobId()).stream()
                        .sorted(Comparator.comparing(JobId::value)).toList()));
        assertThat(storedAfterClaim(a.jobId())).containsExactly("3 PROGRESS RUNNING 2");
        assertThat(storedAfterClaim(b.jobId())).containsExactly("3 PROGRESS RUNNING 1");
        assertThat(storedAfterClaim(quiet.jobId())).isEmpty();
        assertThat(published).extracting(e -> e.jobId() + " " + e.seq() + " " + e.progress().message())
                .containsExactlyInAnyOrder(a.jobId() + " 3 a two", b.jobId() + " 3 b one");
        assertThat(writerTasks).isEmpty();
    }

    @Test
    void progressTheWriterHasNotTakenIsStoredBeforeTheRunsEndAndPublishedInSeqOrder() {
        RunningJob run = claimedRun(new JobHandler() {
            @Override
            public JobType type() {
                return new JobType("test", "a test handler", List.of());
            }

            @Override
            public void run(JobContext context) {
                context.progress(1, 2, "half");
            }
        });

        run.execute();
        runWriter();

        assertThat(storedAfterClaim(run.jobId())).containsExactly("3 PROGRESS RUNNING 1", "4 STATE SUCCEEDED 1");
        assertThat(published).extracting(JobEvent::seq).containsExactly(3L, 4L);
        assertThat(published.get(1).kind()).isEqualTo(EventKind.STATE);
        assertThat(store.find(run.jobId()).orElseThrow().state()).isEqualTo(JobState.SUCCEEDED);
        assertThat(transactions).as("the writer found nothing left to store").isEmpty();
    }

    @Test
    void aWriterWithNoThreadDropsProgressButTheRunsEndIsStillStored() {
        ProgressWriter refusing = new ProgressWriter(store, published::addAll, task -> {
            throw new java.util.concurrent.RejectedExecutionException("shut down");
        });
        Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        Job job = Job.submit(JobId.random(), "test", "a test job", "alice", Map.of(), now);
        store.submit(job, Optional.empty());
        Job claimed = store.claimNext("node-1", now, now.plusSeconds(60)).orElseThrow().job();
        RunningJob run = new RunningJob(claimed, finishing(), new JobParameters(Map.of()), ClaimedJob.NOT_RETRIED, store,
                published::add, refusing, timer, UNTHROTTLED);

        run.progress(1, 2, "lost");
        run.execute();

        assertThat(storedAfterClaim(run.jobId())).containsExactly("3 STATE SUCCEEDED 0");
    }
}
