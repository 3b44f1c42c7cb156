package io.jobpulse.execution;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jobpulse.job.Job;
import io.jobpulse.job.JobEvent;
import io.jobpulse.job.JobState;
import io.jobpulse.store.Database;
import io.jobpulse.store.ReportOutcome;
import io.jobpulse.store.ReportRequest;
import io.jobpulse.store.StoreUnavailableException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.h2.jdbcx.JdbcConnectionPool;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The group commit of workers' reports over a real store (H2 in a temporary directory), with real threads: the first
 * commit can be held open, so that the reports that arrive meanwhile queue for the next one.
 */
class ReportCommitsTest {

    private static final Duration WAIT = Duration.ofSeconds(20);

    @TempDir
    Path dir;

    private JdbcConnectionPool pool;
    private final List<List<JobEvent>> published = new CopyOnWriteArrayList<>();
    private HoldableReportStore store;
    private final ExecutorService drains = Executors.newCachedThreadPool();
    private ReportCommits commits;

    @BeforeEach
    void store() {
        pool = JdbcConnectionPool.create("jdbc:h2:file:" + dir.resolve("jobs").toAbsolutePath(), "sa", "");
        Database.migrate(pool);
        store = new HoldableReportStore(pool, WAIT);
        commits = new ReportCommits(store, published::add, drains);
    }

    @AfterEach
    void close() throws InterruptedException {
        drains.shutdownNow();
        assertThat(drains.awaitTermination(WAIT.toSeconds(), TimeUnit.SECONDS)).isTrue();
        pool.dispose();
    }

    private Optional<ReportOutcome> report(ReportRequest request) {
        return ReportCommits.await(commits.submit(request));
    }

    @Test
    void aReportUnderNoLoadIsWrittenAtOnceInItsOwnCommitAndItsEventsPublished() {
        Job job = externalJob();

        Optional<ReportOutcome> outcome = report(progress(job, 1, 1));

        assertThat(outcome).containsInstanceOf(ReportOutcome.Accepted.class);
        assertThat(outcome.orElseThrow().job().state()).isEqualTo(JobState.RUNNING);
        assertThat(store.transactions)
                .singleElement()
                .satisfies(t -> assertThat(t).hasSize(1));
        assertThat(published)
                .singleElement()
                .satisfies(
                        events -> assertThat(events).extracting(JobEvent::seq).containsExactly(2L, 3L));
    }

    @Test
    void reportsThatArriveDuringACommitShareTheNextOneAndEachGetsItsOwnOutcome() throws Exception {
        Job first = externalJob();
        List<Job> jobs = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            jobs.add(externalJob());
        }
        CountDownLatch release = store.holdNextCommit();
        CompletableFuture<Optional<ReportOutcome>> held =
                CompletableFuture.supplyAsync(() -> report(progress(first, 1, 1)));
        store.awaitHeld();

        List<Thread> threads = new ArrayList<>();
        List<CompletableFuture<Optional<ReportOutcome>>> outcomes = new ArrayList<>();
        for (int i = 0; i < jobs.size(); i++) {
            Job job = jobs.get(i);
            long done = i + 1;
            CompletableFuture<Optional<ReportOutcome>> outcome = new CompletableFuture<>();
            outcomes.add(outcome);
            Thread t = new Thread(() -> outcome.complete(report(progress(job, 1, done))), "worker-" + i);
            threads.add(t);
            t.start();
        }
        // every worker's report is queued and its thread waits (the store is busy with the first commit)
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (!threads.stream().allMatch(t -> t.getState() == Thread.State.WAITING)) {
            assertThat(System.nanoTime())
                    .as("the workers to wait for the commit")
                    .isLessThan(deadline);
            Thread.onSpinWait();
        }
        release.countDown();

        assertThat(held.get(WAIT.toSeconds(), TimeUnit.SECONDS)).containsInstanceOf(ReportOutcome.Accepted.class);
        for (int i = 0; i < outcomes.size(); i++) {
            ReportOutcome outcome =
                    outcomes.get(i).get(WAIT.toSeconds(), TimeUnit.SECONDS).orElseThrow();
            assertThat(outcome).isInstanceOf(ReportOutcome.Accepted.class);
            assertThat(outcome.job().id()).isEqualTo(jobs.get(i).id());
            assertThat(outcome.job().progress().done()).isEqualTo(i + 1);
        }
        assertThat(store.transactions)
                .as("the first report alone, then the twenty that came meanwhile together")
                .extracting(List::size)
                .containsExactly(1, 20);
        assertThat(published).hasSize(2);
        assertThat(store.find(jobs.get(19).id()).orElseThrow().progress().done())
                .isEqualTo(20);
    }

    @Test
    void aCommitThatFailsFailsEveryReportInIt() {
        Job job = externalJob();
        store.down.set(true);

        assertThatThrownBy(() -> report(progress(job, 1, 1))).isInstanceOf(StoreUnavailableException.class);
        store.down.set(false);
        assertThat(report(progress(job, 1, 1))).containsInstanceOf(ReportOutcome.Accepted.class);
    }

    @Test
    void anInterruptedWorkerStillGetsItsOutcomeAndKeepsItsInterruptFlag() throws Exception {
        Job job = externalJob();
        CompletableFuture<String> seen = new CompletableFuture<>();
        Thread worker = new Thread(() -> {
            Thread.currentThread().interrupt();
            Optional<ReportOutcome> outcome = report(progress(job, 1, 1));
            seen.complete(outcome.map(o -> o.getClass().getSimpleName()).orElse("none") + " "
                    + Thread.currentThread().isInterrupted());
        });
        worker.start();

        assertThat(seen.get(WAIT.toSeconds(), TimeUnit.SECONDS)).isEqualTo("Accepted true");
    }

    private Job externalJob() {
        return store.externalJob();
    }

    private static ReportRequest progress(Job job, long id, long done) {
        return HoldableReportStore.progress(job, id, done);
    }
}
