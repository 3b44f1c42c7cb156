package io.jobpulse.hub;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Runs one action for every item of a wide fan-out (the subscriptions of one job, or the deliveries of a batch of
 * events of different jobs) on several cores: the items are cut into at most {@code parallelism} chunks of at least
 * {@link #MIN_CHUNK}, and the publishing thread and helpers from the executor each claim chunks until none is left.
 * The publisher returns only when every chunk is done, so the next event of a job starts after this one was handed to
 * every watcher (each subscription still orders its own events). The
 * publisher never waits for a chunk that no thread has started: a busy or refusing executor only means fewer helpers,
 * never a stall.
 */
final class FanOut {

    /** Below this many items per chunk the hand-over to another thread costs more than it saves. */
    static final int MIN_CHUNK = 1024;

    private static final Logger LOG = Logger.getLogger(FanOut.class.getName());
    private static final long WAIT_SECONDS = 30;

    private final Executor helpers;
    private final int parallelism;

    FanOut(Executor helpers, int parallelism) {
        if (parallelism < 1) {
            throw new IllegalArgumentException("parallelism must be at least 1");
        }
        this.helpers = helpers;
        this.parallelism = parallelism;
    }

    /** On the calling thread only. */
    static FanOut serial() {
        return new FanOut(Runnable::run, 1);
    }

    /** How many chunks {@code count} subscriptions are cut into. */
    int chunks(int count) {
        return Math.max(1, Math.min(parallelism, count / MIN_CHUNK));
    }

    <T> void run(T[] items, Consumer<? super T> action) {
        int chunks = chunks(items.length);
        if (chunks == 1) {
            for (T item : items) {
                action.accept(item);
            }
            return;
        }
        Chunks<T> work = new Chunks<>(items, chunks, action);
        for (int i = 1; i < chunks; i++) {
            try {
                helpers.execute(work::claimAll);
            } catch (RejectedExecutionException e) {
                break; // the publisher claims what no helper takes
            }
        }
        work.claimAll();
        work.awaitStarted();
    }

    private static final class Chunks<T> {
        private final T[] items;
        private final int count;
        private final Consumer<? super T> action;
        private final AtomicInteger next = new AtomicInteger();
        private final CountDownLatch done;

        Chunks(T[] items, int count, Consumer<? super T> action) {
            this.items = items;
            this.count = count;
            this.action = action;
            this.done = new CountDownLatch(count);
        }

        void claimAll() {
            for (int c = next.getAndIncrement(); c < count; c = next.getAndIncrement()) {
                int from = (int) ((long) items.length * c / count);
                int to = (int) ((long) items.length * (c + 1) / count);
                try {
                    for (int i = from; i < to; i++) {
                        action.accept(items[i]);
                    }
                } finally {
                    done.countDown();
                }
            }
        }

        /** Every chunk is claimed when this is called: wait for the ones other threads are running. */
        void awaitStarted() {
            try {
                if (!done.await(WAIT_SECONDS, TimeUnit.SECONDS)) {
                    LOG.warning(() -> "A fan-out to " + items.length + " watchers is still running after "
                            + WAIT_SECONDS + " s; publishing goes on");
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                LOG.log(Level.FINE, e, () -> "Interrupted while a fan-out finished on other threads");
            }
        }
    }
}
