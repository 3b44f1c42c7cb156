package io.jobpulse.execution;

import io.jobpulse.job.Progress;
import java.util.Optional;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Coalesces one run's progress at the source: lets at most {@code rate} values per second through to {@code out}, keeps
 * only the newest of those it holds back, and lets that one through on its own timer when the handler goes quiet. A
 * handler calling {@code progress()} a million times costs a million field writes, not a million rows. {@link #close}
 * ends it and hands back what it still held, for the run's end to store first.
 *
 * <p>{@code out} is called under this object's lock, so the values leave in the order they were reported.
 */
final class ProgressCoalescer {

    private static final Logger LOG = Logger.getLogger(ProgressCoalescer.class.getName());

    private final ProgressThrottle throttle;
    private final ScheduledExecutorService timer;
    private final LongSupplier nanoTime;
    private final Consumer<Progress> out;
    private Progress held;
    private boolean trailingScheduled;
    private boolean closed;

    ProgressCoalescer(
            double ratePerSecond, ScheduledExecutorService timer, LongSupplier nanoTime, Consumer<Progress> out) {
        this.throttle = new ProgressThrottle(ratePerSecond);
        this.timer = timer;
        this.nanoTime = nanoTime;
        this.out = out;
    }

    /** The newest progress of the run; ignored once closed. */
    synchronized void report(Progress progress) {
        if (closed) {
            return;
        }
        held = progress;
        passOrWait();
    }

    /** Stops passing values on; answers the one still held back, if any. */
    synchronized Optional<Progress> close() {
        closed = true;
        Progress last = held;
        held = null;
        return Optional.ofNullable(last);
    }

    private synchronized void trailing() {
        trailingScheduled = false;
        if (!closed && held != null) {
            passOrWait();
        }
    }

    /** Callers hold the lock and a value is held. */
    private void passOrWait() {
        long now = nanoTime.getAsLong();
        if (throttle.tryPass(now)) {
            Progress next = held;
            held = null;
            out.accept(next);
        } else if (!trailingScheduled) {
            try {
                timer.schedule(this::trailing, throttle.nanosUntilNext(now), TimeUnit.NANOSECONDS);
                trailingScheduled = true;
            } catch (RejectedExecutionException e) {
                // shutting down: the run's end stores the held value
                LOG.log(Level.FINE, e, () -> "No timer for a trailing progress update");
            }
        }
    }
}
