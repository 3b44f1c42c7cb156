package io.jobpulse.execution;

import io.jobpulse.metrics.Counter;
import io.jobpulse.metrics.NodeMetrics;
import java.time.Duration;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * One launched run and its hold on a running slot, which it gives back exactly once: when the handler returns, or
 * when the run's timeout passes, whichever comes first. At the timeout the job is recorded FAILED {@code timeout}
 * (watchers get the terminal event), the handler is told to stop and its thread interrupted, the time-out is
 * counted and logged, and the slot is free at once, even if the handler ignores all of it. A handler that goes on
 * anyway keeps its thread busy until it returns: on Tomcat one of JobPulse's spare job threads, on Payara and WildFly
 * one of the container's EJB async threads. {@link #STUCK_REPORT_AFTER} later, a WARNING with that thread's stack
 * says where it hangs.
 */
final class TimedRun implements Runnable {

    private static final Logger LOG = Logger.getLogger(TimedRun.class.getName());
    static final Duration STUCK_REPORT_AFTER = Duration.ofSeconds(30);

    /** Schedules a task once after a delay; the scheduler's timer in production, a manual one in tests. */
    @FunctionalInterface
    interface Timer {
        Future<?> schedule(Runnable task, Duration delay);
    }

    private final RunningJob run;
    private final Duration timeout;
    private final Runnable releaseSlot;
    private final NodeMetrics metrics;
    private final Timer timer;
    private final AtomicBoolean released = new AtomicBoolean();
    private volatile Future<?> deadline;

    TimedRun(RunningJob run, Duration timeout, Runnable releaseSlot, NodeMetrics metrics, Timer timer) {
        this.run = run;
        this.timeout = timeout;
        this.releaseSlot = releaseSlot;
        this.metrics = metrics;
        this.timer = timer;
    }

    /** Starts the clock; call before handing the run to a launcher. */
    void arm() {
        deadline = timer.schedule(this::expire, timeout);
    }

    /** The launcher's task: runs the handler, then gives the slot back. */
    @Override
    public void run() {
        try {
            run.execute();
        } finally {
            disarm();
            release();
        }
    }

    /** The launcher refused the task: stops the clock and gives the slot back. */
    void notLaunched() {
        disarm();
        release();
    }

    void expire() {
        boolean ended = run.timeOut();
        release();
        if (ended) {
            metrics.increment(Counter.JOBS_TIMED_OUT);
            LOG.warning(() -> "Job " + run.jobId() + " (" + run.typeName() + ") ran longer than its timeout of "
                    + timeout + ": recorded FAILED/timeout, its thread interrupted and its running slot freed");
            timer.schedule(this::reportIfStuck, STUCK_REPORT_AFTER);
        }
    }

    private void reportIfStuck() {
        if (run.isFinished()) {
            return;
        }
        run.handlerThread().ifPresent(thread -> {
            Throwable where = new Throwable(
                    "stack of " + thread.getName() + ", where the handler of job " + run.jobId() + " still runs");
            where.setStackTrace(thread.getStackTrace());
            LOG.log(
                    Level.WARNING,
                    where,
                    () -> "The handler of job " + run.jobId() + " (" + run.typeName()
                            + ") ignored its timeout and still runs " + STUCK_REPORT_AFTER.toSeconds()
                            + " s later; thread "
                            + thread.getName()
                            + " stays busy until it returns. Make the handler call checkCancelled() or "
                            + "context.sleep(), or let it react to interrupts");
        });
    }

    private void disarm() {
        Future<?> armed = deadline;
        if (armed != null) {
            armed.cancel(false);
        }
    }

    private void release() {
        if (released.compareAndSet(false, true)) {
            releaseSlot.run();
        }
    }
}
