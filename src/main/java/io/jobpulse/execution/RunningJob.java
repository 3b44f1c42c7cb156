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
import io.jobpulse.store.JobUpdate;
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
 * One run of a job on this node: the handler's {@link JobContext}, the source-side progress coalescing, and the
 * final state change. Progress goes to the {@link ProgressWriter}, which stores many jobs' progress per commit; the
 * end of the run is written here, after any progress the writer still has in hand was stored and published. Every
 * event is committed before it is published, and each job's are published in {@code seq} order. Writes are fenced by the run's attempt number: once the job was re-queued and
 * started again, a late write of this run changes nothing.
 */
final class RunningJob implements JobContext {

    private static final Logger LOG = Logger.getLogger(RunningJob.class.getName());
    static final int MAX_RESULT_CHARS = 256 * 1024;
    static final String SERVER_STOPPED = "the server stopped while the job ran";

    private enum Stop { NONE, CANCEL, SHUTDOWN, TIMEOUT }

    private final JobId id;
    private final int attempt;
    private final JobHandler handler;
    private final JobParameters parameters;
    private final RunLimits limits;
    private final JdbcJobStore store;
    private final Consumer<JobEvent> publisher;
    private final ProgressWriter writer;
    private final ScheduledExecutorService timer;
    private final ProgressThrottle throttle;
    private final CountDownLatch stopSignal = new CountDownLatch(1);
    private final CountDownLatch finished = new CountDownLatch(1);
    private final Object writeLock = new Object();
    private final Object threadLock = new Object();

    private volatile Stop stop = Stop.NONE;
    private volatile Map<String, Object> result = Map.of();
    /** The newest progress, held back by the throttle. */
    private Progress pending;
    /** Progress the throttle let through, handed to the writer and not yet taken (a newer one replaces it). */
    private Progress due;
    private Instant dueAt;
    /** Queued at the writer, not yet taken. */
    private boolean queued;
    /** The writer took this job's progress and has not yet stored and published it. */
    private boolean inWriter;
    private boolean trailingFlushScheduled;
    private Thread worker;

    /** A run of {@code claimed}, the job as its claim left it (RUNNING, with this run's attempt number). */
    RunningJob(Job claimed, JobHandler handler, JobParameters parameters, RunLimits limits, JdbcJobStore store,
               Consumer<JobEvent> publisher, ProgressWriter writer, ScheduledExecutorService timer, double progressRate) {
        this.id = claimed.id();
        this.attempt = claimed.attempt();
        this.handler = handler;
        this.parameters = parameters;
        this.limits = limits;
        this.store = store;
        this.publisher = publisher;
        this.writer = writer;
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
                handToWriter();
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

    /** Asks the handler to stop because the server is going down; the job will be re-queued or end interrupted. */
    void interrupt() {
        stop = Stop.SHUTDOWN;
        stopSignal.countDown();
    }

    /**
     * The run overran its timeout: records the job FAILED {@code timeout} now (unless it already ended), then wakes
     * the handler (as a cancel would) and interrupts its thread. From here on nothing the handler does is recorded.
     * True if this call ended the job. The interrupt is sent while holding the write lock, and the handler's later
     * writes are skipped, so it never lands in the middle of one of this job's store writes: an interrupt during
     * file I/O closes the channel, and the embedded H2 database with it.
     */
    boolean timeOut() {
        synchronized (writeLock) {
            boolean ended = record(job -> job.fail(new JobError(JobError.TIMEOUT, "the job ran longer than its timeout of "
                    + limits.timeout()), now()));
            stop = Stop.TIMEOUT;
            stopSignal.countDown();
            synchronized (threadLock) {
                if (worker != null) {
                    worker.interrupt();
                }
            }
            return ended;
        }
    }

    /** Records the interruption without waiting for the handler any longer (it ignored the stop at shutdown). */
    void abandon() {
        synchronized (writeLock) {
            stop = Stop.SHUTDOWN;
            record(this::interrupted);
        }
    }

    boolean awaitFinished(Duration timeout) throws InterruptedException {
        return finished.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    boolean isFinished() {
        return finished.getCount() == 0;
    }

    /** The thread the handler runs on, while it runs. */
    Optional<Thread> handlerThread() {
        synchronized (threadLock) {
            return Optional.ofNullable(worker);
        }
    }

    String typeName() {
        return handler.type().name();
    }

    /** Runs the handler on the calling thread and records how it ended. */
    void execute() {
        synchronized (threadLock) {
            if (stop == Stop.TIMEOUT) {
                finished.countDown();
                return; // its time ran out before the launcher got to run it; the timeout is recorded
            }
            worker = Thread.currentThread();
        }
        try {
            handler.run(this);
            finish(job -> job.succeed(result, now()));
        } catch (JobCancelledException e) {
            finish(job -> stop == Stop.SHUTDOWN ? interrupted(job) : job.cancel(now()));
        } catch (JobFailedException e) {
            finish(job -> job.fail(new JobError(e.kind(), e.getMessage()), now()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            finish(job -> stop == Stop.SHUTDOWN ? interrupted(job)
                    : job.fail(new JobError(JobError.INTERRUPTED, "the job thread was interrupted"), now()));
        } catch (Exception | LinkageError | AssertionError e) {
            LOG.log(Level.INFO, e, () -> "Job " + id + " (" + typeName() + ") failed");
            finish(job -> stop == Stop.SHUTDOWN ? interrupted(job) : job.fail(JobError.fromException(e), now()));
        } finally {
            synchronized (threadLock) {
                worker = null;
                if (stop == Stop.TIMEOUT) {
                    // the interrupt was JobPulse's own, aimed at this handler, and its outcome is recorded: it must not
                    // reach whatever task the pool runs next on this thread
                    Thread.interrupted();
                }
            }
            finished.countDown();
        }
    }

    private Job interrupted(Job job) {
        return job.interrupt(SERVER_STOPPED, limits.maxAttempts(), now());
    }

    private void trailingFlush() {
        synchronized (writeLock) {
            trailingFlushScheduled = false;
            if (pending == null) {
                return;
            }
            long now = System.nanoTime();
            if (throttle.tryPass(now)) {
                handToWriter();
            } else {
                trailingFlushScheduled = true;
                timer.schedule(this::trailingFlush, throttle.nanosUntilNext(now), TimeUnit.NANOSECONDS);
            }
        }
    }

    /** The throttle let the pending progress through: it is due. Callers hold the write lock. */
    private void handToWriter() {
        if (pending == null || stop == Stop.TIMEOUT) {
            return;
        }
        due = pending;
        dueAt = now(); // read once per stored update, not on every report (handlers may report millions of times)
        pending = null;
        if (!queued) {
            queued = true;
            writer.enqueue(this);
        }
    }

    /** For the writer: the change that stores the newest progress, if any is still due; marks it in hand. */
    Optional<JobUpdate> takeDue() {
        synchronized (writeLock) {
            queued = false;
            Progress next = due;
            due = null;
            if (next == null || stop == Stop.TIMEOUT) {
                return Optional.empty();
            }
            inWriter = true;
            return Optional.of(new JobUpdate(id, dueAt, job -> job.attempt() == attempt ? job.report(next)
                    : Optional.empty()));
        }
    }

    /** For the writer: what it took was stored and published (or failed). */
    void written() {
        synchronized (writeLock) {
            inWriter = false;
            writeLock.notifyAll();
        }
    }

    /**
     * Waits (holding the write lock between checks) until the writer has stored and published what it took of this
     * job, so the end of the run is published after it. Bounded: a stuck store must not hold the run's end forever.
     */
    private void awaitWriter() {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        try {
            while (inWriter) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    LOG.warning(() -> "Progress of job " + id + " is still being stored after 30 s; its end is written now");
                    return;
                }
                TimeUnit.NANOSECONDS.timedWait(writeLock, left);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt(); // the caller writes the end at once; order is then kept by seq alone
        }
    }

    /**
     * Writes, on the caller's thread, before the run's end: the due progress the writer has not taken yet, then the
     * progress the throttle still holds back.
     */
    private void flushPending() {
        Progress handed = due;
        Progress held = pending;
        due = null;
        pending = null;
        if (stop == Stop.TIMEOUT) {
            return;
        }
        if (handed != null) {
            writeProgress(handed);
        }
        if (held != null) {
            writeProgress(held);
        }
    }

    private void writeProgress(Progress next) {
        try {
            write(job -> job.report(next));
        } catch (IllegalJobStateChangeException e) {
            LOG.log(Level.FINE, e, () -> "Progress for job " + id + " after it ended was dropped");
        } catch (StoreException e) {
            LOG.log(Level.WARNING, e, () -> "Progress of job " + id + " could not be stored; the job goes on");
        }
    }

    /** Records the handler's outcome, unless the run timed out (then the timeout is the outcome). */
    private void finish(UnaryOperator<Job> terminal) {
        synchronized (writeLock) {
            if (stop != Stop.TIMEOUT) {
                record(terminal);
            }
        }
    }

    /** Writes the end of this run; true if it was recorded. Callers hold the write lock. */
    private boolean record(UnaryOperator<Job> terminal) {
        awaitWriter();
        flushPending();
        try {
            if (write(job -> Optional.of(terminal.apply(job))).isPresent()) {
                return true;
            }
            LOG.info(() -> "Job " + id + " was started again after this run (attempt " + attempt
                    + "); this run's outcome was not recorded");
        } catch (IllegalJobStateChangeException e) {
            LOG.log(Level.INFO, e, () -> "Job " + id + " had already ended; this outcome was not recorded");
        } catch (StoreException e) {
            LOG.log(Level.SEVERE, e, () -> "The end of job " + id + " could not be stored; it stays RUNNING "
                    + "until its lease expires and is then re-queued or failed as interrupted");
        }
        return false;
    }

    /** Applies {@code change} while the job is still in this run's attempt; empty when it changed nothing. */
    private Optional<Change> write(Function<Job, Optional<Job>> change) {
        Optional<Change> done = store.update(id, now(), job -> job.attempt() == attempt ? change.apply(job)
                : Optional.empty());
        done.flatMap(Change::event).ifPresent(publisher);
        return done;
    }

    private static Instant now() {
        return Instant.now().truncatedTo(ChronoUnit.MILLIS);
    }
}
