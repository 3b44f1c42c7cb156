package io.jobpulse.execution;

import io.jobpulse.hub.EventPublisher;
import io.jobpulse.job.JobEvent;
import io.jobpulse.store.JdbcJobStore;
import io.jobpulse.store.ReportOutcome;
import io.jobpulse.store.ReportRequest;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.ReentrantLock;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Group commit of the workers' reports on this node: the request threads that arrive while a commit is under way
 * queue their reports, and the first of them to find the store free writes everything queued, up to {@link
 * #MAX_BATCH} reports a transaction ({@link JdbcJobStore#reportAll}), then publishes the events after the commit. Each
 * thread gets its own report's outcome, decided under its job's row lock as a single report's would be, and waits
 * for nothing but the commit that holds it. No thread of its own: under no load a report is written at once by the
 * thread that received it; under load a thousand workers' reports share a few commits a second, as the runs' progress
 * does ({@link RunWriter}).
 *
 * <p>One transaction per report took the embedded H2 (which writes its file at every commit) to 20 reports a second
 * with 1 000 workers reporting, and emptied its pool (the benchmark's reports pass).
 */
final class ReportCommits {

    /** The most reports written in one transaction. */
    static final int MAX_BATCH = 500;

    /** How long a waiting thread sleeps before it looks whether the store is free for it to write. */
    private static final long RECHECK_MILLIS = 20;

    private static final Logger LOG = Logger.getLogger(ReportCommits.class.getName());

    private final JdbcJobStore store;
    private final EventPublisher publisher;
    private final Queue<Pending> queued = new ConcurrentLinkedQueue<>();
    private final ReentrantLock writing = new ReentrantLock();

    ReportCommits(JdbcJobStore store, EventPublisher publisher) {
        this.store = store;
        this.publisher = publisher;
    }

    private record Pending(ReportRequest request, CompletableFuture<Optional<ReportOutcome>> outcome) {}

    /**
     * Stores {@code request} in the next commit and answers its outcome (empty: no such job) once committed; throws
     * what the store threw for its batch. An interrupt does not stop the wait (the report is queued and will be
     * written); the thread's interrupt flag is set again before it returns.
     */
    Optional<ReportOutcome> report(ReportRequest request) {
        Pending mine = new Pending(request, new CompletableFuture<>());
        queued.add(mine);
        boolean interrupted = false;
        try {
            while (true) {
                if (!mine.outcome().isDone() && writing.tryLock()) {
                    try {
                        writeQueued(mine);
                    } finally {
                        writing.unlock();
                    }
                }
                try {
                    return mine.outcome().get(RECHECK_MILLIS, TimeUnit.MILLISECONDS);
                } catch (TimeoutException stillQueued) {
                    // its writer left before taking it (it came in just after the writer's last look): write it here
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

    /** Writes batches while reports are queued, until this thread's own report is written and one batch after. */
    private void writeQueued(Pending mine) {
        boolean oneMore = true;
        while (!mine.outcome().isDone() || oneMore) {
            if (mine.outcome().isDone()) {
                oneMore = false;
            }
            List<Pending> batch = new ArrayList<>();
            for (Pending p; batch.size() < MAX_BATCH && (p = queued.poll()) != null; ) {
                batch.add(p);
            }
            if (batch.isEmpty()) {
                return;
            }
            write(batch);
        }
    }

    private void write(List<Pending> batch) {
        List<Optional<ReportOutcome>> outcomes;
        try {
            outcomes = store.reportAll(batch.stream().map(Pending::request).toList());
        } catch (RuntimeException e) {
            batch.forEach(p -> p.outcome().completeExceptionally(e));
            return;
        }
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
            batch.get(i).outcome().complete(outcomes.get(i));
        }
    }
}
