package io.jobpulse.execution;

import static org.assertj.core.api.Assertions.assertThat;

import io.jobpulse.job.Job;
import io.jobpulse.job.JobId;
import io.jobpulse.job.Progress;
import io.jobpulse.job.Report;
import io.jobpulse.store.JdbcJobStore;
import io.jobpulse.store.ReportOutcome;
import io.jobpulse.store.ReportRequest;
import io.jobpulse.store.StoreUnavailableException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import javax.sql.DataSource;

/**
 * A real store whose next reports' commit can be held open (so that reports arriving meanwhile queue for the next)
 * or made to fail; it records each transaction's reports.
 */
final class HoldableReportStore extends JdbcJobStore {

    private final Duration wait;
    final List<List<ReportRequest>> transactions = new CopyOnWriteArrayList<>();
    final AtomicBoolean down = new AtomicBoolean();
    /** While set, the next commit waits for it to count down (once). */
    private volatile CountDownLatch holdNext;

    private volatile CountDownLatch held = new CountDownLatch(1);

    HoldableReportStore(DataSource dataSource, Duration wait) {
        super(dataSource);
        this.wait = wait;
    }

    /** Holds the next reports' commit open until the answer is counted down; {@link #awaitHeld} sees it start. */
    CountDownLatch holdNextCommit() {
        CountDownLatch release = new CountDownLatch(1);
        held = new CountDownLatch(1);
        holdNext = release;
        return release;
    }

    /** Waits (bounded) until the held commit began. */
    void awaitHeld() throws InterruptedException {
        assertThat(held.await(wait.toSeconds(), TimeUnit.SECONDS))
                .as("a commit to be held")
                .isTrue();
    }

    /** A new external job, QUEUED, stored (heartbeat timeout one minute). */
    Job externalJob() {
        Job job = Job.submitExternal(JobId.random(), "external", "", "alice", Map.of(), Instant.now());
        submitExternal(job, Optional.empty(), Duration.ofMinutes(1));
        return job;
    }

    /** A progress report {@code done} of 100 of {@code job}, with report id {@code id}. */
    static ReportRequest progress(Job job, long id, long done) {
        return new ReportRequest(
                job.id(),
                new Report(OptionalLong.of(id), new Report.ProgressMade(new Progress(done, 100, "row " + done))),
                Instant.now(),
                j -> Duration.ofMinutes(1));
    }

    @Override
    public List<Optional<ReportOutcome>> reportAll(List<ReportRequest> requests) {
        if (down.get()) {
            throw new StoreUnavailableException("store workers' reports", new java.sql.SQLException("down"));
        }
        CountDownLatch hold = holdNext;
        if (hold != null) {
            holdNext = null;
            held.countDown();
            try {
                assertThat(hold.await(wait.toSeconds(), TimeUnit.SECONDS)).isTrue();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
        transactions.add(List.copyOf(requests));
        return super.reportAll(requests);
    }
}
