package io.jobpulse.execution;

import io.jobpulse.job.JobEvent;
import io.jobpulse.store.Change;
import io.jobpulse.store.JdbcJobStore;
import io.jobpulse.store.JobUpdate;
import io.jobpulse.store.StoreException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Stores the progress of this node's running jobs, many jobs per transaction (group commit), and publishes each
 * stored event after the commit. A job with progress due queues itself once; one writer at a time drains the queue:
 * when the store keeps up, each progress is written at once, alone; when it does not, the jobs that reported in the
 * meantime share the next commit, and each writes only its newest progress (its older, unwritten values are never
 * stored, so {@code seq} has no gaps). A thousand jobs reporting 20 times a second would otherwise ask the store for
 * 20 000 commits a second, one connection per job thread; the embedded H2 serialises commits, and its pool ran dry.
 */
final class ProgressWriter {

    /** The most jobs written in one transaction. */
    static final int MAX_BATCH = 500;
    private static final Logger LOG = Logger.getLogger(ProgressWriter.class.getName());

    private final JdbcJobStore store;
    private final Consumer<List<JobEvent>> publisher;
    private final Executor executor;
    private final ConcurrentLinkedQueue<RunningJob> due = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean draining = new AtomicBoolean();

    /** {@code publisher} gets each commit's events together (at most one per job), after the commit. */
    ProgressWriter(JdbcJobStore store, Consumer<List<JobEvent>> publisher, Executor executor) {
        this.store = store;
        this.publisher = publisher;
        this.executor = executor;
    }

    /** {@code job} has progress due (it queues itself at most once until the writer takes it). */
    void enqueue(RunningJob job) {
        due.add(job);
        schedule();
    }

    private void schedule() {
        if (due.isEmpty() || !draining.compareAndSet(false, true)) {
            return;
        }
        try {
            executor.execute(this::drain);
        } catch (RejectedExecutionException e) {
            draining.set(false);
            List<RunningJob> dropped = poll();
            dropped.forEach(RunningJob::takeDue);
            dropped.forEach(RunningJob::written);
            LOG.log(Level.FINE, e, () -> "No thread to store progress (shutting down?); " + dropped.size()
                    + " jobs' progress dropped, their final state is stored by their own threads");
        }
    }

    private void drain() {
        try {
            for (List<RunningJob> batch = poll(); !batch.isEmpty(); batch = poll()) {
                write(batch);
            }
        } finally {
            draining.set(false);
            schedule(); // a job that queued itself after the last poll
        }
    }

    private List<RunningJob> poll() {
        List<RunningJob> batch = new ArrayList<>();
        for (RunningJob job; batch.size() < MAX_BATCH && (job = due.poll()) != null; ) {
            batch.add(job);
        }
        batch.sort(Comparator.comparing(job -> job.jobId().value()));
        return batch;
    }

    private void write(List<RunningJob> batch) {
        List<RunningJob> taken = new ArrayList<>(batch.size());
        List<JobUpdate> updates = new ArrayList<>(batch.size());
        for (RunningJob job : batch) {
            job.takeDue().ifPresent(update -> {
                taken.add(job);
                updates.add(update);
            });
        }
        try {
            if (!updates.isEmpty()) {
                List<JobEvent> events = new ArrayList<>(updates.size());
                for (Optional<Change> change : store.updateAll(updates)) {
                    change.flatMap(Change::event).ifPresent(events::add);
                }
                publish(events);
            }
        } catch (StoreException e) {
            LOG.log(Level.WARNING, e, () -> "Progress of " + updates.size() + " jobs could not be stored; the jobs go on");
        } finally {
            taken.forEach(RunningJob::written);
        }
    }

    private void publish(List<JobEvent> events) {
        try {
            publisher.accept(events);
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, e, () -> "Publishing " + events.size() + " stored progress events failed");
        }
    }
}
