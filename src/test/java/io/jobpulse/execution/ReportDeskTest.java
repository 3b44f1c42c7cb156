package io.jobpulse.execution;

import static org.assertj.core.api.Assertions.assertThat;

import io.jobpulse.job.EventKind;
import io.jobpulse.job.Job;
import io.jobpulse.job.JobEvent;
import io.jobpulse.job.JobState;
import io.jobpulse.job.Progress;
import io.jobpulse.job.Report;
import io.jobpulse.metrics.Counter;
import io.jobpulse.metrics.NodeMetrics;
import io.jobpulse.store.Database;
import io.jobpulse.store.ReportOutcome;
import io.jobpulse.store.ReportRequest;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.h2.jdbcx.JdbcConnectionPool;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The desk over a real store (H2 in a temporary directory) and real drain threads. "Under load" is made by holding a
 * commit of another job open: the desk then sees the store busy, as a thousand workers would make it.
 */
class ReportDeskTest {

    private static final Duration WAIT = Duration.ofSeconds(20);

    @TempDir
    Path dir;

    private JdbcConnectionPool pool;
    private HoldableReportStore store;
    private final ExecutorService drains = Executors.newCachedThreadPool();
    private final List<JobEvent> published = new CopyOnWriteArrayList<>();
    private ReportCommits commits;
    private ReportDesk desk;
    private final NodeMetrics metrics = new NodeMetrics();

    @BeforeEach
    void store() {
        pool = JdbcConnectionPool.create("jdbc:h2:file:" + dir.resolve("jobs").toAbsolutePath(), "sa", "");
        Database.migrate(pool);
        store = new HoldableReportStore(pool, WAIT);
        commits = new ReportCommits(store, published::addAll, drains);
        desk = new ReportDesk(commits, metrics);
    }

    @AfterEach
    void close() throws InterruptedException {
        drains.shutdownNow();
        assertThat(drains.awaitTermination(WAIT.toSeconds(), TimeUnit.SECONDS)).isTrue();
        pool.dispose();
    }

    @Test
    void underNoLoadEveryReportIsAnsweredAfterItsOwnCommit() {
        Job job = externalJob();

        for (long id = 1; id <= 3; id++) {
            ReportOutcome outcome = desk.report(progress(job, id, id)).orElseThrow();
            assertThat(outcome).isInstanceOf(ReportOutcome.Accepted.class);
            assertThat(outcome.job().seq()).isEqualTo(id + 2);
            assertThat(store.find(job.id()).orElseThrow().seq())
                    .as("stored before the answer")
                    .isEqualTo(id + 2);
        }
        assertThat(store.transactions).hasSize(3);
        assertThat(metrics.get(Counter.REPORTS_ANSWERED_AFTER_COMMIT)).isEqualTo(3);
        assertThat(metrics.get(Counter.REPORTS_ANSWERED_AT_ONCE)).isZero();
    }

    @Test
    void underLoadAKnownJobsProgressIsAnsweredAtOnceThenStoredAndPublished() throws Exception {
        Job job = externalJob();
        assertThat(desk.report(progress(job, 1, 1)).orElseThrow().job().seq()).isEqualTo(3);
        CountDownLatch release = holdACommit();

        ReportOutcome answer = desk.report(progress(job, 2, 2)).orElseThrow();

        assertThat(answer).isInstanceOf(ReportOutcome.Accepted.class);
        assertThat(answer.job().seq()).as("the seq its event will have").isEqualTo(4);
        assertThat(store.find(job.id()).orElseThrow().seq())
                .as("not stored yet")
                .isEqualTo(3);
        release.countDown();
        await(() -> store.find(job.id()).orElseThrow().seq() == 4, "the progress stored");
        await(() -> published.stream().anyMatch(e -> e.seq() == 4), "its event published");
        Job stored = store.find(job.id()).orElseThrow();
        assertThat(stored.progress().done()).isEqualTo(2);
        assertThat(stored.lastReportAt()).isNotNull();
    }

    @Test
    void underLoadAJobsReportsQueuedBeforeACommitAreMergedIntoOneEventOfTheNewestProgress() throws Exception {
        Job job = externalJob();
        desk.report(progress(job, 1, 1));
        CountDownLatch release = holdACommit();

        List<Long> seqs = List.of(2L, 3L, 4L).stream()
                .map(id ->
                        desk.report(progress(job, id, id)).orElseThrow().job().seq())
                .toList();
        ReportOutcome heartbeat = desk.report(heartbeat(job, 5)).orElseThrow();

        assertThat(seqs).as("one event for the three, still queued").containsExactly(4L, 4L, 4L);
        assertThat(heartbeat.job().seq()).isEqualTo(4);
        assertThat(metrics.get(Counter.REPORTS_ANSWERED_AT_ONCE))
                .as("the three progress reports and the heartbeat")
                .isEqualTo(4);
        assertThat(metrics.get(Counter.REPORTS_ANSWERED_AFTER_COMMIT))
                .as("the first")
                .isEqualTo(1);
        release.countDown();
        await(() -> store.find(job.id()).orElseThrow().seq() == 4, "the merged progress stored");
        assertThat(store.find(job.id()).orElseThrow().progress().done()).isEqualTo(4);
        assertThat(store.transactions)
                .filteredOn(t -> t.stream().anyMatch(r -> r.id().equals(job.id())))
                .last()
                .satisfies(t -> assertThat(t)
                        .singleElement()
                        .satisfies(r -> assertThat(r.report().id()).hasValue(5)));
        // the id of the merged report is the last accepted one: its retry is a repeat, an older one out of order
        assertThat(desk.report(progress(job, 5, 4))).containsInstanceOf(ReportOutcome.Repeated.class);
        assertThat(desk.report(progress(job, 3, 3))).containsInstanceOf(ReportOutcome.OutOfOrder.class);
    }

    @Test
    void underLoadRetriesAndOlderReportsAreAnsweredAtOnceAndChangeNothing() throws Exception {
        Job job = externalJob();
        desk.report(progress(job, 4, 1));
        CountDownLatch release = holdACommit();

        assertThat(desk.report(progress(job, 4, 1))).containsInstanceOf(ReportOutcome.Repeated.class);
        ReportOutcome older = desk.report(progress(job, 2, 9)).orElseThrow();

        assertThat(older).isInstanceOf(ReportOutcome.OutOfOrder.class);
        assertThat(((ReportOutcome.OutOfOrder) older).lastId()).isEqualTo(4);
        release.countDown();
        await(() -> !commits.busy(), "the store idle");
        Job stored = store.find(job.id()).orElseThrow();
        assertThat(stored.seq()).isEqualTo(3);
        assertThat(stored.progress().done()).isEqualTo(1);
    }

    @Test
    void aResultUnderLoadWaitsForItsCommitAndIsStoredAfterTheProgressQueuedBeforeIt() throws Exception {
        Job job = externalJob();
        desk.report(progress(job, 1, 1));
        CountDownLatch release = holdACommit();
        desk.report(progress(job, 2, 2));

        CompletableFuture<Optional<ReportOutcome>> result =
                CompletableFuture.supplyAsync(() -> desk.report(new ReportRequest(
                        job.id(),
                        new Report(OptionalLong.of(3), new Report.Succeeded(Map.of("rows", 2))),
                        Instant.now(),
                        j -> Duration.ofMinutes(1))));
        await(() -> commitsQueued() == 2, "the result queued behind the progress");
        assertThat(result).isNotDone();
        release.countDown();

        ReportOutcome outcome = result.get(WAIT.toSeconds(), TimeUnit.SECONDS).orElseThrow();
        assertThat(outcome.job().state()).isEqualTo(JobState.SUCCEEDED);
        assertThat(store.eventsAfter(job.id(), 0, Long.MAX_VALUE, 100))
                .extracting(JobEvent::seq, JobEvent::kind)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple(1L, EventKind.STATE),
                        org.assertj.core.groups.Tuple.tuple(2L, EventKind.STATE),
                        org.assertj.core.groups.Tuple.tuple(3L, EventKind.PROGRESS),
                        org.assertj.core.groups.Tuple.tuple(4L, EventKind.PROGRESS),
                        org.assertj.core.groups.Tuple.tuple(5L, EventKind.STATE));
        assertThat(desk.known()).as("an ended job is forgotten").isZero();
    }

    @Test
    void aJobThatEndedElsewhereIsForgottenAfterTheCommitThatFoundItSoTheWorkersNextReportIsToldItEnded()
            throws Exception {
        Job job = externalJob();
        desk.report(progress(job, 1, 1));
        // cancelled by a node that does not tell this one (another node of a cluster)
        store.update(job.id(), Instant.now(), j -> Optional.of(j.cancel(Instant.now())));
        CountDownLatch release = holdACommit();

        assertThat(desk.report(progress(job, 2, 2)))
                .as("answered from what the node knew")
                .containsInstanceOf(ReportOutcome.Accepted.class);
        release.countDown();
        await(() -> desk.known() == 0, "the node to forget the job");

        holdACommit().countDown();
        assertThat(desk.report(progress(job, 3, 3))).containsInstanceOf(ReportOutcome.Ended.class);
        assertThat(store.find(job.id()).orElseThrow().state()).isEqualTo(JobState.CANCELLED);
    }

    @Test
    void aJobForgottenOnThisNodeHasItsNextReportJudgedByTheStore() throws Exception {
        Job job = externalJob();
        desk.report(progress(job, 1, 1));
        store.update(job.id(), Instant.now(), j -> Optional.of(j.cancel(Instant.now())));
        desk.forget(job.id());
        CountDownLatch release = holdACommit();

        CompletableFuture<Optional<ReportOutcome>> next =
                CompletableFuture.supplyAsync(() -> desk.report(progress(job, 2, 2)));
        await(() -> commitsQueued() == 1, "the report to wait for the store");
        release.countDown();

        assertThat(next.get(WAIT.toSeconds(), TimeUnit.SECONDS)).containsInstanceOf(ReportOutcome.Ended.class);
    }

    @Test
    void reportsWithoutIdsAreAnsweredAtOnceUnderLoadOnceTheJobIsKnownByAnId() throws Exception {
        Job job = externalJob();
        desk.report(progress(job, 1, 1));
        CountDownLatch release = holdACommit();

        ReportOutcome outcome = desk.report(new ReportRequest(
                        job.id(),
                        new Report(OptionalLong.empty(), new Report.ProgressMade(new Progress(7, 100, "row 7"))),
                        Instant.now(),
                        j -> Duration.ofMinutes(1)))
                .orElseThrow();

        assertThat(outcome.job().progress().done()).isEqualTo(7);
        release.countDown();
        await(() -> store.find(job.id()).orElseThrow().progress().done() == 7, "the progress stored");
    }

    /** Holds the next commit (of another job's report, submitted here) open; count the answer down to release it. */
    private CountDownLatch holdACommit() throws InterruptedException {
        CountDownLatch release = store.holdNextCommit();
        commits.submit(progress(externalJob(), 1, 1));
        store.awaitHeld();
        assertThat(commits.busy()).isTrue();
        return release;
    }

    private int commitsQueued() {
        return commits.queued();
    }

    private static void await(Supplier<Boolean> condition, String what) {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (!condition.get()) {
            assertThat(System.nanoTime()).as("waiting for " + what).isLessThan(deadline);
            try {
                Thread.sleep(1); // polling the store, not a wait for an assumed delay
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
    }

    private Job externalJob() {
        return store.externalJob();
    }

    private static ReportRequest progress(Job job, long id, long done) {
        return HoldableReportStore.progress(job, id, done);
    }

    private static ReportRequest heartbeat(Job job, long id) {
        return new ReportRequest(
                job.id(),
                new Report(OptionalLong.of(id), new Report.Heartbeat()),
                Instant.now(),
                j -> Duration.ofMinutes(1));
    }
}
