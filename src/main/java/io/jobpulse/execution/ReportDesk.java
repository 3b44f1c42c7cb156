package io.jobpulse.execution;

import io.jobpulse.job.Job;
import io.jobpulse.job.JobId;
import io.jobpulse.job.JobState;
import io.jobpulse.job.Report;
import io.jobpulse.metrics.Counter;
import io.jobpulse.metrics.NodeMetrics;
import io.jobpulse.store.ReportOutcome;
import io.jobpulse.store.ReportRequest;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Takes the workers' reports on this node. A report waits for the commit that stores it ({@link ReportCommits}),
 * unless the node is busy storing reports already: then a progress report or a heartbeat of a running job whose
 * worker this node heard from lately is judged from what the node knows of the job (its last accepted report id, its
 * progress), answered at once, and handed over to be stored in a coming commit, merged with the worker's next report
 * if that one comes before the commit (the newest progress wins, as a handler's does). Results, errors, first reports
 * and reports of jobs the node knows nothing fresh of always wait for their commit.
 *
 * <p>What the node knows of a job comes only from the store: the outcomes of its reports' commits. Every report is
 * judged again by the store under the job's row lock when it is written, so a report answered from here never changes
 * a job the store would not let it change: one to a job that ended meanwhile (cancelled on another node, say) changes
 * nothing, and this node forgets the job, so that the worker's next report is judged by the store and told. A job is
 * known for {@link #FRESH_NANOS} after the store last confirmed it, and as long as a report handed over is not
 * written; a cancel on this node or a {@code worker_lost} end by its sweeper forgets it at once.
 *
 * <p>Under no load every report is answered after its own commit, with the job's {@code seq} as stored. Under load the
 * answer's {@code seq} is the one the job's latest event has once the reports handed over so far are stored.
 */
final class ReportDesk {

    /** How long the store's last word on a job is trusted to judge its reports, when none of them is under way. */
    static final long FRESH_NANOS = TimeUnit.SECONDS.toNanos(2);

    /** How long a job nobody reported is remembered before it is dropped (its next report waits for the store). */
    private static final long FORGET_IDLE_NANOS = TimeUnit.MINUTES.toNanos(1);

    private final ReportCommits commits;
    private final NodeMetrics metrics;
    private final Map<JobId, Known> known = new ConcurrentHashMap<>();
    private final AtomicLong nextPrune = new AtomicLong(System.nanoTime() + FORGET_IDLE_NANOS);

    ReportDesk(ReportCommits commits, NodeMetrics metrics) {
        this.commits = commits;
        this.metrics = metrics;
    }

    /** The outcome of {@code request} (empty: no such job): at once under load when it may be, else once stored. */
    Optional<ReportOutcome> report(ReportRequest request) {
        long now = System.nanoTime();
        prune(now);
        Known job = known.get(request.id());
        if (job != null && commits.busy() && answersAtOnce(request.report().content())) {
            Optional<ReportOutcome> answer = job.answer(request, now);
            if (answer.isPresent()) {
                metrics.increment(Counter.REPORTS_ANSWERED_AT_ONCE);
                return answer;
            }
        }
        Optional<ReportOutcome> outcome = ReportCommits.await(commits.submit(request));
        learn(request, outcome);
        if (outcome.isPresent()) {
            metrics.increment(Counter.REPORTS_ANSWERED_AFTER_COMMIT);
        }
        return outcome;
    }

    /** Forgets {@code id}: it ended other than by its worker's report; its next report waits for the store. */
    void forget(JobId id) {
        Known job = known.remove(id);
        if (job != null) {
            job.close();
        }
    }

    /** How many jobs the desk knows (for tests). */
    int known() {
        return known.size();
    }

    private static boolean answersAtOnce(Report.Content content) {
        return content instanceof Report.ProgressMade || content instanceof Report.Heartbeat;
    }

    /** Takes note of the outcome of a report that waited for its commit. */
    private void learn(ReportRequest request, Optional<ReportOutcome> outcome) {
        OptionalLong lastId = request.report().id();
        boolean running = outcome.filter(
                        o -> o instanceof ReportOutcome.Accepted || o instanceof ReportOutcome.Repeated)
                .map(ReportOutcome::job)
                .filter(j -> j.external() && j.state() == JobState.RUNNING)
                .isPresent();
        if (!running) {
            forget(request.id());
            return;
        }
        Job job = outcome.orElseThrow().job();
        Known old = known.get(request.id());
        if (old != null && old.learn(job, lastId)) {
            return;
        }
        if (lastId.isPresent()) { // (not inside a compute: a Known's monitor is never taken under the map's locks)
            Known fresh = new Known(request.id(), job, lastId);
            if (old == null) {
                known.putIfAbsent(request.id(), fresh);
            } else {
                known.replace(request.id(), old, fresh);
            }
        }
    }

    private void prune(long now) {
        long due = nextPrune.get();
        if (now - due < 0 || !nextPrune.compareAndSet(due, now + FORGET_IDLE_NANOS)) {
            return;
        }
        known.values().removeIf(job -> job.idleSince(now, FORGET_IDLE_NANOS));
    }

    /** A newer report merged into an older one still queued: the newer progress and id, the older where it has none. */
    static ReportRequest merge(ReportRequest older, ReportRequest newer) {
        Report.Content content = newer.report().content() instanceof Report.Heartbeat
                ? older.report().content()
                : newer.report().content();
        OptionalLong id = newer.report().id().isPresent()
                ? newer.report().id()
                : older.report().id();
        return new ReportRequest(newer.id(), new Report(id, content), newer.at(), newer.heartbeat());
    }

    /**
     * What this node knows of one running external job. Guarded by its own monitor, held for a few field writes and a
     * hand-over to the queue (never during a commit).
     */
    private final class Known implements ReportCommits.Stored {
        private final JobId id;
        /** The job once everything accepted so far is stored: what answers tell. */
        private Job expected;
        /** {@link #expected} without the report handed over and still queued (its progress may yet be replaced). */
        private Job beforeQueued;
        /** The newest progress handed over, if any. */
        private Report.ProgressMade lastProgress;
        /** The last accepted report id; empty: not known (then reports with an id wait for the store). */
        private OptionalLong lastId;

        private long confirmedAt = System.nanoTime();
        /** Reports handed over whose commit has not told its outcome yet. */
        private int underWay;

        private boolean closed;

        Known(JobId id, Job job, OptionalLong lastId) {
            this.id = id;
            this.expected = job;
            this.beforeQueued = job;
            this.lastId = lastId;
        }

        /** The answer to {@code request} from what is known, having handed it over; empty: it must wait for the store. */
        synchronized Optional<ReportOutcome> answer(ReportRequest request, long now) {
            if (closed || (underWay == 0 && now - confirmedAt > FRESH_NANOS)) {
                return Optional.empty();
            }
            Report report = request.report();
            if (report.id().isPresent()) {
                if (lastId.isEmpty()) {
                    return Optional.empty();
                }
                long reportId = report.id().getAsLong();
                long last = lastId.getAsLong();
                if (reportId < last) {
                    return Optional.of(new ReportOutcome.OutOfOrder(expected, last));
                }
                if (reportId == last) { // a retry: only the heartbeat is news
                    handOver(new ReportRequest(
                            id,
                            new Report(OptionalLong.empty(), new Report.Heartbeat()),
                            request.at(),
                            request.heartbeat()));
                    return Optional.of(new ReportOutcome.Repeated(expected));
                }
                lastId = report.id();
            }
            handOver(request);
            if (report.content() instanceof Report.ProgressMade progress) {
                lastProgress = progress;
                expected = beforeQueued.report(progress.progress()).orElse(beforeQueued);
            }
            return Optional.of(new ReportOutcome.Accepted(expected, List.of()));
        }

        private void handOver(ReportRequest request) {
            if (!commits.handOver(request, ReportDesk::merge, this)) {
                beforeQueued = expected;
                underWay++;
            }
        }

        /** Takes note of the job as a waited-for commit left it; false when closed (a new one takes its place). */
        synchronized boolean learn(Job job, OptionalLong reportId) {
            if (closed) {
                return false;
            }
            if (reportId.isPresent() && (lastId.isEmpty() || reportId.getAsLong() > lastId.getAsLong())) {
                lastId = reportId;
            }
            if (underWay == 0) {
                expected = job;
                beforeQueued = job;
                lastProgress = null;
                confirmedAt = System.nanoTime();
            }
            return true;
        }

        @Override
        public synchronized void stored(Optional<ReportOutcome> outcome) {
            underWay--;
            Optional<Job> running = outcome.filter(
                            o -> o instanceof ReportOutcome.Accepted || o instanceof ReportOutcome.Repeated)
                    .map(ReportOutcome::job)
                    .filter(j -> j.state() == JobState.RUNNING);
            if (running.isEmpty()) { // ended, or another node took a newer report: the store judges the next one
                closeAndDrop();
                return;
            }
            Job stored = running.get();
            confirmedAt = System.nanoTime();
            beforeQueued = stored;
            expected = lastProgress == null
                    ? stored
                    : stored.report(lastProgress.progress()).orElse(stored);
        }

        @Override
        public synchronized void lost(RuntimeException cause) {
            underWay--;
            closeAndDrop();
        }

        private void closeAndDrop() {
            closed = true;
            known.remove(id, this);
        }

        synchronized void close() {
            closed = true;
        }

        synchronized boolean idleSince(long now, long idle) {
            return underWay == 0 && now - confirmedAt > idle;
        }
    }
}
