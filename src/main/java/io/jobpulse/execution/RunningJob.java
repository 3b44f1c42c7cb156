package io.jobpulse.execution;

import io.jobpulse.job.IllegalJobStateChangeException;
import io.jobpulse.job.Job;
import io.jobpulse.job.JobError;
import io.jobpulse.job.JobEvent;
import io.jobpulse.job.JobId;
import io.jobpulse.job.Progress;
import io.jobpulse.json.JsonMaps;
import io.jobpulse.store.Change;
import io.jobpulse.store.JdbcJobStore;
import io.jobpulse.store.StoreException;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.UnaryOperator;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * One job while it runs on this node: the handler's {@link JobContext}, the source-side progress coalescing, and
 * the final state change. Every write goes through one lock, is committed, and only then published, so watchers
 * see events in {@code seq} order.
 */
final class RunningJob implements JobContext {

    private static final Logger LOG = Logger.getLogger(RunningJob.class.getName());
    static final int MAX_RESULT_CHARS = 256 * 1024;

    private enum Stop { NONE, CANCEL, SHUTDOWN }

    private final JobId id;
    private final JobHandler handler;
    private final JobParameters parameters;
    private final JdbcJobStore store;
    private final Consumer<JobEvent> publisher;
    private final ScheduledExecutorService timer;
    private final ProgressThrottle throttle;
    private final CountDownLatch stopSignal = new CountDownLatch(1);
    private final CountDownLatch finished = new CountDownLatch(1);
    private final Object writeLock = new Object();

    private volatile Stop stop = Stop.NONE;
    private volatile Map<String, Object> result = Map.of();
    private Progress pending;
    private boolean trailingFlushScheduled;

    RunningJob(JobId id, JobHandler handler, JobParameters parameters, JdbcJobStore store,
               Consumer<JobEvent> publisher, ScheduledExecutorService timer, double progressRate) {
        this.id = id;
        this.handler = handler;
        this.parameters = parameters;
        this.store = store;
        this.publisher = publisher;
        this.timer = timer;
        this.throttle = new ProgressThrottle(progressRate);
    }

    @Override
    public JobId jobId() {
        return id;
    }

    @Override
    public JobParameters parameters() {
        return parameters;
    }

    @Override
    public void progress(long done, long total, String message) {
        Progress next = new Progress(done, total, message);
        synchronized (writeLock) {
            pending = next;
            long now = System.nanoTime();
            if (throttle.tryPass(now)) {
                flushPending();
            } else if (!trailingFlushScheduled) {
                trailingFlushScheduled = true;
                timer.schedule(this::trailingFlush, throttle.nanosUntilNext(now), TimeUnit.NANOSECONDS);
            }
        }
    }

    @Override
    public boolean isCancelled() {
        return stop != Stop.NONE;
    }

    @Override
    public void checkCancelled() throws JobCancelledException {
        if (isCancelled()) {
            throw new JobCancelledException();
        }
    }

    @Override
    public void sleep(Duration duration) throws JobCancelledException {
        try {
            if (stopSignal.await(duration.toNanos(), TimeUnit.NANOSECONDS)) {
                throw new JobCancelledException();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new JobCancelledException();
        }
    }

    @Override
    public void result(Map<String, Object> value) {
        String text = JsonMaps.write(JsonMaps.toJson(value));
        if (text.length() > MAX_RESULT_CHARS) {
            throw new IllegalArgumentException("job result too large: " + text.length() + " > " + MAX_RESULT_CHARS + " characters");
        }
        this.result = Map.copyOf(value);
    }

    /** Asks the handler to stop because a user cancelled the job. */
    void cancel() {
        stop = Stop.CANCEL;
        stopSignal.countDown();
    }

    /** Asks the handler to stop because the server is going down; the job will end FAILED/interrupted. */
    void interrupt() {
        stop = Stop.SHUTDOWN;
        stopSignal.countDown();
    }

    boolean awaitFinished(Duration timeout) throws InterruptedException {
        return finished.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Runs the handler on the calling thread and records how it ended. */
    void execute() {
        try {
            handler.run(this);
            finish(job -> job.succeed(result, now()));
        } catch (JobCancelledException e) {
            finish(job -> stop == Stop.SHUTDOWN ? job.fail(new JobError(JobError.INTERRUPTED,
                    "the server stopped while the job ran"), now()) : job.cancel(now()));
        } catch (JobFailedException e) {
            finish(job -> job.fail(new JobError(e.kind(), e.getMessage()), now()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            finish(job -> job.fail(new JobError(JobError.INTERRUPTED, "the job thread was interrupted"), now()));
        } catch (Exception | LinkageError | AssertionError e) {
            LOG.log(Level.INFO, e, () -> "Job " + id + " (" + handler.type().name() + ") failed");
            finish(job -> stop == Stop.SHUTDOWN
                    ? job.fail(new JobError(JobError.INTERRUPTED, "the server stopped while the job ran"), now())
                    : job.fail(JobError.fromException(e), now()));
        } finally {
            finished.countDown();
        }
    }

    private void trailingFlush() {
        synchronized (writeLock) {
            trailingFlushScheduled = false;
            if (pending == null) {
                return;
            }
            long now = System.nanoTime();
            if (throttle.tryPass(now)) {
                flushPending();
            } else {
                trailingFlushScheduled = true;
                timer.schedule(this::trailingFlush, throttle.nanosUntilNext(now), TimeUnit.NANOSECONDS);
            }
        }
    }

    private void flushPending() {
        Progress next = pending;
        pending = null;
        if (next == null) {
            return;
        }
        try {
            write(job -> job.report(next));
        } catch (IllegalJobStateChangeException e) {
            LOG.log(Level.FINE, e, () -> "Progress for job " + id + " after it ended was dropped");
        } catch (StoreException e) {
            LOG.log(Level.WARNING, e, () -> "Progress of job " + id + " could not be stored; the job goes on");
        }
    }

    private void finish(UnaryOperator<Job> terminal) {
        synchronized (writeLock) {
            flushPending();
            try {
                write(job -> Optional.of(terminal.apply(job)));
            } catch (IllegalJobStateChangeException e) {
                LOG.log(Level.INFO, e, () -> "Job " + id + " had already ended; its handler's outcome was not recorded");
            } catch (StoreException e) {
                LOG.log(Level.SEVERE, e, () -> "The end of job " + id + " could not be stored; it stays RUNNING "
                        + "until its lease expires and is then failed as interrupted");
            }
        }
    }

    private void write(Function<Job, Optional<Job>> change) {
        Optional<Change> done = store.update(id, now(), change);
        done.flatMap(Change::event).ifPresent(publisher);
    }

    private static Instant now() {
        return Instant.now().truncatedTo(ChronoUnit.MILLIS);
    }
}
