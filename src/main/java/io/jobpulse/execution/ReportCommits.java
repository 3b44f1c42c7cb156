package io.jobpulse.execution;

import io.jobpulse.hub.EventPublisher;
import io.jobpulse.job.JobEvent;
import io.jobpulse.job.JobId;
import io.jobpulse.store.JdbcJobStore;
import io.jobpulse.store.ReportOutcome;
import io.jobpulse.store.ReportRequest;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.function.BinaryOperator;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Group commit of the workers' reports on this node: reports queue, and one drain at a time writes everything queued,
 * up to {@link #MAX_BATCH} reports a transaction ({@link JdbcJobStore#reportAll}), in the order they came, then
 * publishes the events after the commit. Each report is judged under its job's row lock as a single report's would be.
 *
 * <p>Two ways in. {@link #submit} queues a report whose worker waits for its outcome ({@link #await}). {@link
 * #handOver} queues one whose worker was already answered (by {@link ReportDesk}, from what this node knows of the
 * job): while it is still queued, the job's next handed-over report is merged into it (the newer progress replaces
 * the older, as a run's does in the {@link RunWriter}), so that a thousand workers reporting faster than the store
 * commits cost one row each per commit, not one per report. What became of a handed-over report is told to its
 * {@link Stored} after the commit.
 *
 * <p>One transaction per report took the embedded H2 (which writes its file at every commit) to 20 reports a second
 * with 1 000 workers reporting, and emptied its pool (the benchmark's reports pass).
 */
final class ReportCommits {

    /**
     * The most reports written in one transaction. 250 rather than 500 (the benchmark's reports pass, 1 000 jobs at 10
     * reports a second): a job's report waits for a shorter transaction, and the embedded H2 no longer writes its
     * store in the middle of one (it does once a transaction's unsaved pages pass its auto-commit buffer). View age
     * p99 on H2 1.0-1.7 s at 500, 0.4-0.6 s at 250 (and 125); on PostgreSQL 113-311 ms in four runs, against 102-381
     * ms in five at 500: no change beyond the runs' spread. docs/performance.md.
     */
    static final int MAX_BATCH = 250;

    private static final Logger LOG = Logger.getLogger(ReportCommits.class.getName());

    private final JdbcJobStore store;
    private final EventPublisher publisher;
    private final Queue<Pending> queued = new ConcurrentLinkedQueue<>();
    /** The handed-over report of each job that no drain took yet: the job's next one is merged into it. */
    private final Map<JobId, Pending> open = new ConcurrentHashMap<>();

    private final Drains<Taken> drains;
    /** Whether a transaction of reports is under way (set before it begins, cleared once it ended). */
    private volatile boolean writing;

    /** {@code executor} runs the drains; where it refuses (shutting down), a waiting worker's thread drains. */
    ReportCommits(JdbcJobStore store, EventPublisher publisher, Executor executor) {
        this.store = store;
        this.publisher = publisher;
        this.drains = new Drains<>(
                executor, () -> !queued.isEmpty(), this::take, this::write, "the next waiting report stores them");
    }

    /** Told what became of a report handed over without a wait; called on the drain's thread, after the commit. */
    interface Stored {

        /** It was judged and stored, or refused: its outcome (empty: no such job). */
        void stored(Optional<ReportOutcome> outcome);

        /** Its commit failed: it is lost. */
        void lost(RuntimeException cause);
    }

    /**
     * Whether reports are being written or wait to be: a report queued now would wait for a commit before its own.
     * False again as soon as a commit ended, before its outcomes are handed out.
     */
    boolean busy() {
        return writing || !queued.isEmpty();
    }

    /** How many reports are queued, not yet taken by a drain (counts them: for tests and diagnostics). */
    int queued() {
        return queued.size();
    }

    /** Queues {@code request} for the next commit; its outcome completes after that commit (empty: no such job). */
    CompletableFuture<Optional<ReportOutcome>> submit(ReportRequest request) {
        Pending pending = new Pending(request, null);
        queued.add(pending);
        drains.schedule(true);
        return pending.outcome;
    }

    /**
     * Queues {@code request}, whose worker waits for nothing: merged into the job's handed-over report still queued,
     * if any ({@code merge.apply(queued, request)}), else queued after everything queued before; {@code stored} is told
     * its outcome. Answers whether it was merged. Reports of one job must not be handed over concurrently.
     */
    boolean handOver(ReportRequest request, BinaryOperator<ReportRequest> merge, Stored stored) {
        Pending queuedOne = open.get(request.id());
        if (queuedOne != null && queuedOne.merge(request, merge, stored)) {
            return true;
        }
        Pending pending = new Pending(request, stored);
        open.put(request.id(), pending);
        queued.add(pending);
        drains.schedule(false);
        return false;
    }

    /**
     * Waits for {@code outcome} and answers it; throws what the store threw for its batch. An interrupt does not stop
     * the wait (the report is queued and will be written); the thread's interrupt flag is set again before it returns.
     */
    static Optional<ReportOutcome> await(CompletableFuture<Optional<ReportOutcome>> outcome) {
        boolean interrupted = false;
        try {
            while (true) {
                try {
                    return outcome.get();
                } catch (InterruptedException e) {
                    interrupted = true;
                } catch (ExecutionException e) {
                    throw e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e.getCause());
                }
            }
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private List<Taken> take() {
        List<Taken> batch = new ArrayList<>();
        for (Pending p; batch.size() < MAX_BATCH && (p = queued.poll()) != null; ) {
            batch.add(p.take(open));
        }
        return batch;
    }

    private void write(List<Taken> batch) {
        List<Optional<ReportOutcome>> outcomes;
        writing = true;
        try {
            outcomes = store.reportAll(batch.stream().map(Taken::request).toList());
        } catch (RuntimeException e) {
            writing = false;
            long lost = batch.stream().filter(t -> t.stored() != null).count();
            if (lost > 0) {
                LOG.log(
                        Level.WARNING,
                        e,
                        () -> "Storing " + batch.size() + " reports failed; " + lost + " of them were answered already "
                                + "and are lost (their workers' next reports carry on)");
            }
            batch.forEach(t -> t.fail(e));
            return;
        }
        writing = false;
        List<JobEvent> events = new ArrayList<>();
        for (Optional<ReportOutcome> outcome : outcomes) {
            outcome.filter(ReportOutcome.Accepted.class::isInstance)
                    .ifPresent(accepted -> events.addAll(((ReportOutcome.Accepted) accepted).events()));
        }
        if (!events.isEmpty()) {
            try {
                publisher.publish(events);
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, e, () -> "Publishing " + events.size() + " stored events of reports failed");
            }
        }
        for (int i = 0; i < batch.size(); i++) {
            batch.get(i).complete(outcomes.get(i));
        }
    }

    /**
     * A queued report. Guarded by its own monitor, held for a few field writes: once a drain took it, it refuses
     * merges, so the job's next report is queued after it.
     */
    private static final class Pending {
        private final CompletableFuture<Optional<ReportOutcome>> outcome = new CompletableFuture<>();
        private ReportRequest request;
        private Stored stored;
        private boolean taken;

        Pending(ReportRequest request, Stored stored) {
            this.request = request;
            this.stored = stored;
        }

        /** False when a drain took it already. */
        synchronized boolean merge(ReportRequest newer, BinaryOperator<ReportRequest> merge, Stored newerStored) {
            if (taken) {
                return false;
            }
            request = merge.apply(request, newer);
            stored = newerStored;
            return true;
        }

        synchronized Taken take(Map<JobId, Pending> open) {
            taken = true;
            if (stored != null) {
                open.remove(request.id(), this);
            }
            return new Taken(request, stored, outcome);
        }
    }

    /** A report as a drain took it: a waiting worker's ({@code stored} null) or a handed-over one. */
    private record Taken(ReportRequest request, Stored stored, CompletableFuture<Optional<ReportOutcome>> outcome) {

        void complete(Optional<ReportOutcome> result) {
            if (stored == null) {
                outcome.complete(result);
                return;
            }
            try {
                stored.stored(result);
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, e, () -> "Taking note of a stored report of job " + request.id() + " failed");
            }
        }

        void fail(RuntimeException cause) {
            if (stored == null) {
                outcome.completeExceptionally(cause);
                return;
            }
            try {
                stored.lost(cause);
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, e, () -> "Taking note of a lost report of job " + request.id() + " failed");
            }
        }
    }
}
