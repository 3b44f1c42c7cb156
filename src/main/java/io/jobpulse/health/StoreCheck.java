package io.jobpulse.health;

import io.jobpulse.runtime.NamedThreads;
import io.jobpulse.runtime.Ticker;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Whether the store answers, for readiness probes: asked at most once per {@code cacheFor} however often probes come
 * (they must not hammer the database), and never waited on for longer than {@code timeout}, so that a probe gets its
 * answer in bounded time also when the database hangs (a black-holed host, an exhausted pool).
 *
 * <p>One attempt runs at a time, on a thread of its own ({@code jobpulse-health-N}): a caller that finds it running
 * waits for it until {@code timeout} after it started, and answers "down" once that has passed. An attempt still
 * running after {@code abandonAfter} is interrupted and forgotten, so that a connection stuck in the network stack
 * keeps the node out of rotation no longer than that once the database is back; its late answer is ignored. At most
 * {@link #MAX_THREADS} attempts may be stuck at once; beyond that the answer is "down" without a new attempt.
 */
final class StoreCheck implements AutoCloseable {

    /** One attempt at the store: true when it answered as expected. May block, may throw. */
    @FunctionalInterface
    interface Probe {
        boolean answers() throws Exception;
    }

    static final int MAX_THREADS = 3;

    private static final Logger LOG = Logger.getLogger(StoreCheck.class.getName());

    private final Probe probe;
    private final Ticker ticker;
    private final long cacheNanos;
    private final long timeoutNanos;
    private final long abandonNanos;
    private final ExecutorService threads;

    // all guarded by this
    private long generation;
    private Future<?> attempt;
    private CompletableFuture<Boolean> answer;
    private long attemptStarted;
    private boolean answered;
    private boolean lastAnswer;
    private long lastAnswerAt;
    private boolean reportedDown;

    StoreCheck(Probe probe, Ticker ticker, Duration cacheFor, Duration timeout, Duration abandonAfter) {
        this.probe = probe;
        this.ticker = ticker;
        this.cacheNanos = cacheFor.toNanos();
        this.timeoutNanos = timeout.toNanos();
        this.abandonNanos = abandonAfter.toNanos();
        this.threads = new ThreadPoolExecutor(
                0, MAX_THREADS, 30, TimeUnit.SECONDS, new SynchronousQueue<>(), new NamedThreads("jobpulse-health"));
    }

    /**
     * The store's answer of at most {@code cacheFor} ago, or of an attempt started now or running already; false
     * when that attempt failed or did not answer within {@code timeout} of its start. Returns within about
     * {@code timeout}.
     */
    boolean up() {
        CompletableFuture<Boolean> waitFor;
        long waitNanos;
        synchronized (this) {
            long now = ticker.nanoTime();
            if (answered && now - lastAnswerAt < cacheNanos) {
                return lastAnswer;
            }
            if (answer != null && now - attemptStarted >= abandonNanos) {
                abandon(now);
            }
            if (answer == null && !start(now)) {
                return false;
            }
            waitFor = answer;
            waitNanos = timeoutNanos - (now - attemptStarted);
        }
        if (waitNanos <= 0) {
            return false;
        }
        try {
            return waitFor.get(waitNanos, TimeUnit.NANOSECONDS);
        } catch (TimeoutException slow) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        } catch (ExecutionException e) {
            // not expected: an attempt completes its answer normally, whatever the probe threw
            LOG.log(Level.WARNING, e, () -> "Store check failed unexpectedly");
            return false;
        }
    }

    /** The last answer an attempt gave, however old, without asking again; false when none has answered yet. */
    synchronized boolean lastAnswer() {
        return answered && lastAnswer;
    }

    /** Stops the attempt threads (at undeploy); later calls answer false. */
    @Override
    public void close() {
        threads.shutdownNow();
    }

    private boolean start(long now) {
        if (threads.isShutdown()) {
            return false;
        }
        long mine = ++generation;
        CompletableFuture<Boolean> result = new CompletableFuture<>();
        try {
            attempt = threads.submit(() -> run(mine, result));
        } catch (RejectedExecutionException e) {
            LOG.log(
                    Level.WARNING,
                    e,
                    () -> "Store check not started: " + MAX_THREADS + " earlier attempts are still stuck; the store "
                            + "counts as down");
            return false;
        }
        answer = result;
        attemptStarted = now;
        return true;
    }

    private void abandon(long now) {
        long stuckMillis = TimeUnit.NANOSECONDS.toMillis(now - attemptStarted);
        LOG.warning(() -> "Store check stuck for " + stuckMillis + " ms: interrupting it and starting another");
        attempt.cancel(true);
        answer.complete(false);
        answer = null;
        attempt = null;
    }

    private void run(long mine, CompletableFuture<Boolean> result) {
        boolean up = false;
        Exception failure = null;
        try {
            up = probe.answers();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            failure = e;
        } catch (Exception e) {
            failure = e;
        }
        record(mine, up, failure);
        result.complete(up);
    }

    private synchronized void record(long mine, boolean up, Exception failure) {
        if (mine != generation) {
            return; // abandoned: a newer attempt speaks for the store now
        }
        answered = true;
        lastAnswer = up;
        lastAnswerAt = ticker.nanoTime();
        answer = null;
        attempt = null;
        if (!up && !reportedDown) {
            reportedDown = true;
            if (failure != null) {
                LOG.log(Level.WARNING, failure, () -> "The store does not answer; readiness is DOWN until it does");
            } else {
                LOG.warning("The store gave an unexpected answer; readiness is DOWN until it answers as expected");
            }
        } else if (up && reportedDown) {
            reportedDown = false;
            LOG.info("The store answers again");
        }
    }
}
