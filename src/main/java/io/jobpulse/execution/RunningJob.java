package io.jobpulse.execution;

import io.jobpulse.api.JobCancelledException;
import io.jobpulse.api.JobContext;
import io.jobpulse.api.JobFailedException;
import io.jobpulse.api.JobHandler;
import io.jobpulse.api.JobParameters;
import io.jobpulse.job.Job;
import io.jobpulse.job.JobError;
import io.jobpulse.job.Progress;
import io.jobpulse.json.JsonMaps;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.UnaryOperator;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * One run of a job on this node: the handler's {@link JobContext} and the signals that stop it (cancel, shutdown,
 * timeout). It writes nothing itself: progress leaves through a {@link ProgressCoalescer} to the {@link RunWriter},
 * and so does the run's end, exactly once, whoever decides it first (the handler returning or throwing, the timeout,
 * or a shutdown that stops waiting), together with the progress the coalescer still held. From then on nothing the
 * handler does is recorded.
 */
final class RunningJob implements JobContext {

    private static final Logger LOG = Logger.getLogger(RunningJob.class.getName());
    static final String SERVER_STOPPED = "the server stopped while the job ran";
    /** How long a run waits for its end to be stored before it gives its thread back anyway. */
    static final Duration END_WAIT = Duration.ofSeconds(30);

    private enum Stop {
        NONE,
        CANCEL,
        SHUTDOWN,
        TIMEOUT,
        LOST
    }

    private final RunId run;
    private final JobHandler handler;
    private final JobParameters parameters;
    private final RunLimits limits;
    private final RunWriter writer;
    private final Clock clock;
    private final ProgressCoalescer progress;
    private final CountDownLatch stopSignal = new CountDownLatch(1);
    private final CountDownLatch finished = new CountDownLatch(1);
    private final AtomicBoolean endDecided = new AtomicBoolean();
    private final Object threadLock = new Object();

    private volatile Stop stop = Stop.NONE;
    private volatile Map<String, Object> result = Map.of();
    /** The thread the handler runs on, while it runs; guarded by {@link #threadLock}. */
    private Thread worker;

    /** A run of {@code claimed}, the job as its claim left it (RUNNING, with this run's attempt number). */
    RunningJob(
            Job claimed,
            JobHandler handler,
            JobParameters parameters,
            RunLimits limits,
            RunWriter writer,
            ScheduledExecutorService timer,
            double progressRate,
            Clock clock) {
        this.run = RunId.of(claimed);
        this.handler = handler;
        this.parameters = parameters;
        this.limits = limits;
        this.writer = writer;
        this.clock = clock;
        this.progress = new ProgressCoalescer(progressRate, timer, System::nanoTime, p -> writer.progress(run, p));
    }

    int attempt() {
        return run.attempt();
    }

    @Override
    public String jobId() {
        return run.job().value();
    }

    @Override
    public JobParameters parameters() {
        return parameters;
    }

    @Override
    public void progress(long done, long total, String message) {
        progress.report(new Progress(done, total, message));
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
        if (text.length() > Job.MAX_RESULT_CHARS) {
            throw new IllegalArgumentException(
                    "job result too large: " + text.length() + " > " + Job.MAX_RESULT_CHARS + " characters");
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
     * The run overran its timeout: unless its end is already decided, ends the job FAILED {@code timeout}, wakes the
     * handler (as a cancel would) and interrupts its thread. True if this call ended the job.
     */
    boolean timeOut() {
        if (!endDecided.compareAndSet(false, true)) {
            return false;
        }
        stop = Stop.TIMEOUT;
        stopSignal.countDown();
        synchronized (threadLock) {
            if (worker != null) {
                worker.interrupt();
            }
        }
        return writeEnd(job -> job.fail(
                new JobError(JobError.TIMEOUT, "the job ran longer than its timeout of " + limits.timeout()), now()));
    }

    /**
     * This node lost the job: another node found its lease expired (this node was paused or cut off from the database)
     * and recovered it. Stops the handler (as a timeout would) and writes nothing more: the job is no longer this run's,
     * and a late write would be refused anyway ({@link RunId#owns}). True if the run was still going.
     */
    boolean lose() {
        if (!endDecided.compareAndSet(false, true)) {
            return false;
        }
        stop = Stop.LOST;
        stopSignal.countDown();
        synchronized (threadLock) {
            if (worker != null) {
                worker.interrupt();
            }
        }
        progress.close();
        return true;
    }

    /** Records the interruption without waiting for the handler any longer (it ignored the stop at shutdown). */
    void abandon() {
        stop = Stop.SHUTDOWN;
        if (endDecided.compareAndSet(false, true)) {
            writeEnd(this::interrupted);
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
            if (stop == Stop.TIMEOUT || stop == Stop.LOST) {
                finished.countDown();
                return; // its time ran out, or the job was lost, before the launcher got to run it
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
            finish(job -> stop == Stop.SHUTDOWN
                    ? interrupted(job)
                    : job.fail(new JobError(JobError.INTERRUPTED, "the job thread was interrupted"), now()));
        } catch (Exception | LinkageError | AssertionError e) {
            LOG.log(Level.INFO, e, () -> "Job " + jobId() + " (" + typeName() + ") failed");
            finish(job -> stop == Stop.SHUTDOWN ? interrupted(job) : job.fail(JobError.fromException(e), now()));
        } finally {
            synchronized (threadLock) {
                worker = null;
                if (stop == Stop.TIMEOUT || stop == Stop.LOST) {
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

    /** The handler's outcome, unless the end was decided otherwise already (timeout, abandon). */
    private void finish(UnaryOperator<Job> terminal) {
        if (endDecided.compareAndSet(false, true)) {
            writeEnd(terminal);
        }
    }

    /**
     * Hands the end to the writer and waits, bounded, until it is stored and published; true if it was recorded. The
     * wait is not cut short by an interrupt (a handler that ended because its thread was interrupted must still see
     * its end stored before its thread is given back); the interrupt is kept for the caller.
     */
    private boolean writeEnd(UnaryOperator<Job> terminal) {
        CompletableFuture<Boolean> recorded = writer.end(run, progress.close(), terminal);
        boolean interrupted = false;
        long deadline = System.nanoTime() + END_WAIT.toNanos();
        try {
            while (true) {
                try {
                    return reportRecorded(
                            recorded.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS));
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
        } catch (TimeoutException e) {
            LOG.log(
                    Level.WARNING,
                    e,
                    () -> "The end of job " + jobId() + " is still not stored after " + END_WAIT
                            + "; it is written when the store answers");
        } catch (ExecutionException e) {
            LOG.log(Level.SEVERE, e, () -> "The end of job " + jobId() + " could not be stored");
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
        return false;
    }

    private boolean reportRecorded(boolean recorded) {
        if (!recorded) {
            LOG.info(() -> "Job " + jobId() + ": the end of run " + run.attempt() + " was not recorded (the job had "
                    + "ended already, was started again, or the store failed; see above)");
        }
        return recorded;
    }

    private Instant now() {
        return clock.instant();
    }
}
