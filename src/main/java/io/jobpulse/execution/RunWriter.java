package io.jobpulse.execution;

import io.jobpulse.hub.EventPublisher;
import io.jobpulse.job.Job;
import io.jobpulse.job.JobEvent;
import io.jobpulse.job.Progress;
import io.jobpulse.store.Change;
import io.jobpulse.store.JdbcJobStore;
import io.jobpulse.store.JobUpdate;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.function.UnaryOperator;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The one writer of the runs on this node: every progress update and every end of a run is stored here, then published
 * through the {@link EventPublisher}, and nothing calls back. Runs hand over values and never wait for a write, except
 * for their own end.
 *
 * <p>Each run has a slot: its newest progress not yet written (a newer value replaces it) and, once handed over, its
 * end. One thread at a time drains the slots in batches, in one transaction per batch ({@link JdbcJobStore#updateAll}):
 * when the store keeps up, each progress is written at once, alone; when it does not, the runs that reported meanwhile
 * share the next commit, and each writes only its newest progress (older, unwritten values are never stored, so
 * {@code seq} has no gaps). A run's end is written after its pending progress, in the same commit, and publishing
 * happens after the commit, so watchers get a job's events in {@code seq} order ending with its end. Every write is
 * fenced by the run's attempt ({@link RunId#owns}): once the job was re-queued or ended otherwise, a late write of
 * this run changes nothing.
 *
 * <p>A thousand jobs reporting 20 times a second would otherwise ask the store for 20 000 commits a second; the
 * embedded H2 serialises commits, and its pool ran dry.
 */
final class RunWriter {

    /** The most runs written in one transaction. */
    static final int MAX_BATCH = 500;

    private static final Logger LOG = Logger.getLogger(RunWriter.class.getName());

    private final JdbcJobStore store;
    private final EventPublisher publisher;
    private final Clock clock;
    /** The slot of each run with something not yet taken by a drain. */
    private final Map<RunId, Slot> slots = new ConcurrentHashMap<>();
    /** Slots with something due, each once, in the order they became due. */
    private final Queue<Slot> due = new ConcurrentLinkedQueue<>();

    private final Drains<Taken> drains;

    /** {@code executor} runs the drains; where it refuses (shutting down), an end is written on the caller's thread. */
    RunWriter(JdbcJobStore store, EventPublisher publisher, Executor executor, Clock clock) {
        this.store = store;
        this.publisher = publisher;
        this.clock = clock;
        this.drains = new Drains<>(
                executor, () -> !due.isEmpty(), this::take, this::write, "the runs' ends store their progress");
    }

    /** The newest progress of {@code run}; it replaces one not written yet. Ignored once the run's end was handed over. */
    void progress(RunId run, Progress progress) {
        Instant at = clock.instant();
        while (!slot(run).offer(progress, at, due)) {
            Thread.onSpinWait(); // a drain took that slot just now: the next one is fresh
        }
        drains.schedule(false);
    }

    /**
     * The end of {@code run}: {@code last} (the progress its source still held, if any) replaces a pending one, and is
     * written just before {@code terminal}, which is applied to the job if the run still owns it. The answer completes,
     * after the commit and the publish, with whether the end was recorded. A second end of the same run is ignored.
     */
    CompletableFuture<Boolean> end(RunId run, Optional<Progress> last, UnaryOperator<Job> terminal) {
        End end = new End(terminal, clock.instant(), new CompletableFuture<>());
        Boolean accepted;
        while ((accepted = slot(run).end(last, end, due)) == null) {
            Thread.onSpinWait();
        }
        if (!accepted) {
            return CompletableFuture.completedFuture(false);
        }
        drains.schedule(true);
        return end.recorded();
    }

    /** The run's slot; lock-free when it exists (a thousand job threads report at once). */
    private Slot slot(RunId run) {
        Slot slot = slots.get(run);
        return slot != null ? slot : slots.computeIfAbsent(run, Slot::new);
    }

    private List<Taken> take() {
        List<Taken> batch = new ArrayList<>();
        for (Slot slot; batch.size() < MAX_BATCH && (slot = due.poll()) != null; ) {
            batch.add(slot.take(slots));
        }
        batch.sort(Comparator.comparing(t -> t.run().job().value())); // row locks in one order, as every writer
        return batch;
    }

    private void write(List<Taken> batch) {
        List<JobUpdate> updates = new ArrayList<>(batch.size());
        Map<Integer, End> endsByUpdate = new HashMap<>();
        for (Taken taken : batch) {
            RunId run = taken.run();
            if (taken.progress() != null) {
                Progress next = taken.progress();
                updates.add(new JobUpdate(
                        run.job(), taken.progressAt(), job -> run.owns(job) ? job.report(next) : Optional.empty()));
            }
            if (taken.end() != null) {
                End end = taken.end();
                endsByUpdate.put(updates.size(), end);
                updates.add(new JobUpdate(
                        run.job(),
                        end.at(),
                        job -> run.owns(job) ? Optional.of(end.terminal().apply(job)) : Optional.empty()));
            }
        }
        List<Optional<Change>> changes;
        try {
            changes = store.updateAll(updates);
        } catch (RuntimeException e) {
            LOG.log(
                    endsByUpdate.isEmpty() ? Level.WARNING : Level.SEVERE,
                    e,
                    () -> "Progress and ends of "
                            + batch.size()
                            + " runs could not be stored; the jobs go on, and a job whose end was lost stays "
                            + "RUNNING until its lease expires, then is re-queued or failed as interrupted");
            endsByUpdate.values().forEach(end -> end.recorded().complete(false));
            return;
        }
        publish(changes.stream().flatMap(c -> c.flatMap(Change::event).stream()).toList());
        endsByUpdate.forEach(
                (index, end) -> end.recorded().complete(changes.get(index).isPresent()));
    }

    private void publish(List<JobEvent> events) {
        if (events.isEmpty()) {
            return;
        }
        try {
            publisher.publish(events);
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, e, () -> "Publishing " + events.size() + " stored events failed");
        }
    }

    /**
     * What one run has handed over and is not written yet. Guarded by its own monitor, held only for a few field
     * writes: runs never wait for each other, nor for a write. Once a drain took it, it is out of the map and refuses
     * further values, so the run's next value goes into a fresh slot, written after this one.
     */
    private static final class Slot {
        private final RunId run;
        private Progress progress;
        private Instant progressAt;
        private End end;
        private boolean queued;
        private boolean taken;

        Slot(RunId run) {
            this.run = run;
        }

        /** False when a drain took this slot (ask again); true once the value is in, or ignored after the end. */
        synchronized boolean offer(Progress next, Instant at, Queue<Slot> due) {
            if (taken) {
                return false;
            }
            if (end == null) {
                progress = next;
                progressAt = at;
                queueIn(due);
            }
            return true;
        }

        /** Null when a drain took this slot (ask again); false when the run's end was handed over already. */
        synchronized Boolean end(Optional<Progress> last, End next, Queue<Slot> due) {
            if (taken) {
                return null;
            }
            if (end != null) {
                return false;
            }
            last.ifPresent(p -> {
                progress = p;
                progressAt = next.at();
            });
            end = next;
            queueIn(due);
            return true;
        }

        private void queueIn(Queue<Slot> due) {
            if (!queued) {
                queued = true;
                due.add(this);
            }
        }

        synchronized Taken take(Map<RunId, Slot> slots) {
            taken = true;
            slots.remove(run, this);
            return new Taken(run, progress, progressAt, end);
        }
    }

    /** A slot's content, as a drain took it. */
    private record Taken(RunId run, Progress progress, Instant progressAt, End end) {}

    private record End(UnaryOperator<Job> terminal, Instant at, CompletableFuture<Boolean> recorded) {}
}
