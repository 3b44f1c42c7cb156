package io.jobpulse.execution;

import static org.assertj.core.api.Assertions.assertThat;

import io.jobpulse.job.Job;
import io.jobpulse.job.JobEvent;
import io.jobpulse.job.JobId;
import io.jobpulse.job.Progress;
import io.jobpulse.runtime.Clocks;
import io.jobpulse.store.Change;
import io.jobpulse.store.Database;
import io.jobpulse.store.JdbcJobStore;
import io.jobpulse.store.JobUpdate;
import io.jobpulse.store.StoreException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.h2.jdbcx.JdbcConnectionPool;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The run writer over a real store (H2 in a temporary directory); its executor is run by hand. */
class RunWriterTest {

    @TempDir
    Path dir;

    private JdbcConnectionPool pool;
    private JdbcJobStore store;
    private final List<List<JobUpdate>> transactions = new CopyOnWriteArrayList<>();
    private final List<List<JobEvent>> published = new CopyOnWriteArrayList<>();
    private final AtomicBoolean storeDown = new AtomicBoolean();
    /** The writer's executor, run by hand: what it was given waits until the test runs it. */
    private final List<Runnable> writerTasks = new ArrayList<>();

    private RunWriter writer;

    @BeforeEach
    void store() {
        pool = JdbcConnectionPool.create("jdbc:h2:file:" + dir.resolve("jobs").toAbsolutePath(), "sa", "");
        Database.migrate(pool);
        store = new JdbcJobStore(pool) {
            @Override
            public List<Optional<Change>> updateAll(List<JobUpdate> updates) {
                if (storeDown.get()) {
                    throw new StoreException("the database is down", new java.sql.SQLException("down"));
                }
                transactions.add(List.copyOf(updates));
                return super.updateAll(updates);
            }
        };
        writer = new RunWriter(store, published::add, writerTasks::add, Clocks.SYSTEM);
    }

    @AfterEach
    void close() {
        pool.dispose();
    }

    @Test
    void runsThatReportWhileTheWriterIsBusyShareOneCommitAndEachStoresItsNewestProgress() {
        RunId a = claimedRun();
        RunId b = claimedRun();
        RunId quiet = claimedRun();

        writer.progress(a, new Progress(1, 10, "a one"));
        writer.progress(b, new Progress(1, 10, "b one"));
        writer.progress(a, new Progress(2, 10, "a two"));
        assertThat(writerTasks).as("one drain at a time").hasSize(1);
        runWriter();

        assertThat(transactions)
                .singleElement()
                .satisfies(t -> assertThat(t)
                        .extracting(JobUpdate::id)
                        .containsExactlyElementsOf(sortedById(a.job(), b.job())));
        assertThat(storedAfterClaim(a)).containsExactly("3 PROGRESS RUNNING 2");
        assertThat(storedAfterClaim(b)).containsExactly("3 PROGRESS RUNNING 1");
        assertThat(storedAfterClaim(quiet)).isEmpty();
        assertThat(published)
                .as("one commit, published together")
                .singleElement()
                .satisfies(events -> assertThat(events)
                        .extracting(e ->
                                e.jobId() + " " + e.seq() + " " + e.progress().message())
                        .containsExactlyInAnyOrder(a.job() + " 3 a two", b.job() + " 3 b one"));
        assertThat(writerTasks).isEmpty();
    }

    @Test
    void anEndIsWrittenAfterThePendingProgressInTheSameCommitAndPublishedInSeqOrder() throws Exception {
        RunId run = claimedRun();
        writer.progress(run, new Progress(1, 2, "half"));

        CompletableFuture<Boolean> recorded =
                writer.end(run, Optional.empty(), job -> job.succeed(Map.of("ok", true), now()));
        assertThat(recorded).isNotDone();
        runWriter();

        assertThat(recorded).isCompletedWithValue(true);
        assertThat(transactions).hasSize(1);
        assertThat(storedAfterClaim(run)).containsExactly("3 PROGRESS RUNNING 1", "4 STATE SUCCEEDED 1");
        assertThat(published)
                .singleElement()
                .satisfies(
                        events -> assertThat(events).extracting(JobEvent::seq).containsExactly(3L, 4L));
    }

    @Test
    void theProgressAnEndBringsReplacesAPendingOneAndLaterProgressIsIgnored() {
        RunId run = claimedRun();
        writer.progress(run, new Progress(1, 3, "one"));
        writer.end(run, Optional.of(new Progress(3, 3, "three")), job -> job.succeed(Map.of(), now()));
        writer.progress(run, new Progress(2, 3, "after the end"));
        runWriter();

        assertThat(storedAfterClaim(run)).containsExactly("3 PROGRESS RUNNING 3", "4 STATE SUCCEEDED 3");
    }

    @Test
    void aSecondEndOfTheSameRunIsNotRecorded() {
        RunId run = claimedRun();
        CompletableFuture<Boolean> first = writer.end(run, Optional.empty(), job -> job.succeed(Map.of(), now()));
        CompletableFuture<Boolean> second = writer.end(run, Optional.empty(), job -> job.cancel(now()));
        runWriter();

        assertThat(first).isCompletedWithValue(true);
        assertThat(second).isCompletedWithValue(false);
        assertThat(storedAfterClaim(run)).containsExactly("3 STATE SUCCEEDED 0");
    }

    @Test
    void aRunThatNoLongerOwnsItsJobWritesNothing() {
        RunId run = claimedRun();
        RunId stale = new RunId(run.job(), run.attempt() - 1, run.node());
        writer.progress(stale, new Progress(1, 1, "stale"));
        CompletableFuture<Boolean> recorded = writer.end(stale, Optional.empty(), job -> job.succeed(Map.of(), now()));
        runWriter();

        assertThat(recorded).isCompletedWithValue(false);
        assertThat(storedAfterClaim(run)).isEmpty();
        assertThat(published).isEmpty();
    }

    @Test
    void withNoThreadToRunOnProgressWaitsAndTheEndIsWrittenOnTheCallersThreadWithIt() {
        RunWriter refusing = new RunWriter(
                store,
                published::add,
                task -> {
                    throw new RejectedExecutionException("shut down");
                },
                Clocks.SYSTEM);
        RunId run = claimedRun();

        refusing.progress(run, new Progress(1, 2, "waits for the end"));
        assertThat(storedAfterClaim(run)).isEmpty();
        CompletableFuture<Boolean> recorded = refusing.end(run, Optional.empty(), job -> job.succeed(Map.of(), now()));

        assertThat(recorded).isCompletedWithValue(true);
        assertThat(storedAfterClaim(run)).containsExactly("3 PROGRESS RUNNING 1", "4 STATE SUCCEEDED 1");
    }

    @Test
    void aFailedCommitEndsItsRunsEndsUnrecordedAndTheWriterGoesOn() {
        RunId lost = claimedRun();
        RunId later = claimedRun();
        storeDown.set(true);
        CompletableFuture<Boolean> recorded = writer.end(lost, Optional.empty(), job -> job.succeed(Map.of(), now()));
        runWriter();
        assertThat(recorded).isCompletedWithValue(false);

        storeDown.set(false);
        writer.progress(later, new Progress(1, 1, "stored"));
        runWriter();

        assertThat(storedAfterClaim(lost)).isEmpty();
        assertThat(storedAfterClaim(later)).containsExactly("3 PROGRESS RUNNING 1");
    }

    private RunId claimedRun() {
        Instant now = now();
        Job job = Job.submit(JobId.random(), "test", "a test job", "alice", Map.of(), now);
        store.submit(job, Optional.empty());
        return RunId.of(store.claimNext("node-1", now, Duration.ofSeconds(60))
                .orElseThrow()
                .job());
    }

    private void runWriter() {
        while (!writerTasks.isEmpty()) {
            List<Runnable> tasks = List.copyOf(writerTasks);
            writerTasks.clear();
            tasks.forEach(Runnable::run);
        }
    }

    private List<String> storedAfterClaim(RunId run) {
        return store.eventsAfter(run.job(), 2, Long.MAX_VALUE, 100).stream()
                .map(e -> e.seq() + " " + e.kind() + " " + e.state() + " "
                        + e.progress().done())
                .toList();
    }

    private static List<JobId> sortedById(JobId... ids) {
        return java.util.Arrays.stream(ids)
                .sorted(Comparator.comparing(JobId::value))
                .toList();
    }

    private static Instant now() {
        return Instant.now().truncatedTo(ChronoUnit.MILLIS);
    }
}
