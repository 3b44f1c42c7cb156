package io.jobpulse.execution;

import java.util.List;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.function.Supplier;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * One drain at a time of a writer's queue, on an executor: a drain takes batches ({@code take}) and writes each
 * ({@code write}) until a batch comes back empty, then looks once more, so that nothing handed over while the last
 * batch was written waits for the next hand-over. Shared by the {@link RunWriter} and {@link ReportCommits}.
 */
final class Drains<T> {

    private static final Logger LOG = Logger.getLogger(Drains.class.getName());

    private final Executor executor;
    private final BooleanSupplier anyQueued;
    private final Supplier<List<T>> take;
    private final Consumer<List<T>> write;
    private final String whenRefused;
    private final AtomicBoolean draining = new AtomicBoolean();

    /** {@code whenRefused}: what the log says when the executor refuses a drain nobody waits for (shutting down). */
    Drains(
            Executor executor,
            BooleanSupplier anyQueued,
            Supplier<List<T>> take,
            Consumer<List<T>> write,
            String whenRefused) {
        this.executor = executor;
        this.anyQueued = anyQueued;
        this.take = take;
        this.write = write;
        this.whenRefused = whenRefused;
    }

    /**
     * Starts a drain unless one runs or nothing is queued; {@code inlineIfRefused}: drain on this thread when the
     * executor refuses (someone waits for the write), else leave it queued for the next caller that does.
     */
    void schedule(boolean inlineIfRefused) {
        while (anyQueued.getAsBoolean() && draining.compareAndSet(false, true)) {
            try {
                executor.execute(this::drain);
                return;
            } catch (RejectedExecutionException e) {
                if (!inlineIfRefused) {
                    draining.set(false);
                    LOG.log(Level.FINE, e, () -> "No thread to drain (shutting down?); " + whenRefused);
                    return;
                }
                drainHere(); // then look again: something may have been handed over meanwhile
            }
        }
    }

    private void drain() {
        drainHere();
        schedule(true); // handed over after the last batch was taken
    }

    private void drainHere() {
        try {
            for (List<T> batch = take.get(); !batch.isEmpty(); batch = take.get()) {
                write.accept(batch);
            }
        } finally {
            draining.set(false);
        }
    }
}
