package io.jobpulse.execution;

import io.jobpulse.config.JobPulseConfig;
import io.jobpulse.config.RetentionSettings;
import io.jobpulse.metrics.Counter;
import io.jobpulse.metrics.NodeMetrics;
import io.jobpulse.runtime.ContainerExecutors;
import io.jobpulse.store.Database;
import io.jobpulse.store.Retention;
import io.jobpulse.store.StoreException;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.BeforeDestroyed;
import jakarta.enterprise.context.Initialized;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Function;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Applies {@code jobpulse.retention} and {@code jobpulse.retention.compact-after}: about every {@link #PERIOD} (with
 * jitter) it deletes the jobs that ended before the retention and compacts the events of those that ended before the
 * compaction delay, through {@link Retention}, one short transaction after another. A run stops after {@link
 * #RUN_BUDGET} so that it holds a timer thread only briefly; a backlog (the first run after an upgrade, or after the
 * settings were shortened) goes on {@link #BACKLOG_DELAY} later. In a cluster every node runs it and the first to take
 * the database's lock sweeps; the others find it taken and wait for their next period.
 */
@ApplicationScoped
public class RetentionSweeper {

    static final Duration PERIOD = Duration.ofMinutes(1);
    static final Duration FIRST_RUN = Duration.ofSeconds(30);
    static final Duration RUN_BUDGET = Duration.ofSeconds(2);
    static final Duration BACKLOG_DELAY = Duration.ofMillis(200);

    private static final Logger LOG = Logger.getLogger(RetentionSweeper.class.getName());

    /** What one run did; {@code lockedElsewhere}: another node held the lock; {@code more}: it ran out of time. */
    public record Sweep(
            long jobsDeleted,
            long eventsDeleted,
            long jobsCompacted,
            long eventsCompacted,
            boolean lockedElsewhere,
            boolean more) {

        public boolean changedAnything() {
            return jobsDeleted + eventsDeleted + jobsCompacted + eventsCompacted > 0;
        }
    }

    @Inject
    JobPulseConfig config;

    @Inject
    Database database;

    @Inject
    Clock clock;

    @Inject
    ContainerExecutors executors;

    @Inject
    NodeMetrics metrics;

    private volatile Retention retention;
    private RetentionSettings settings = RetentionSettings.OFF;
    private volatile boolean stopping;
    private volatile ScheduledFuture<?> next;

    protected RetentionSweeper() {
        // for CDI
    }

    /** For tests: a sweeper of {@code retention}, run by calling {@link #runOnce}. */
    RetentionSweeper(Retention retention, RetentionSettings settings, Clock clock, NodeMetrics metrics) {
        this.retention = retention;
        this.settings = settings;
        this.clock = clock;
        this.metrics = metrics;
    }

    void start(@Observes @Initialized(ApplicationScoped.class) Object contextStarted) {
        settings = config.retention();
        if (!settings.enabled()) {
            LOG.info("JobPulse retention is off: ended jobs and their events are kept forever");
            return;
        }
        LOG.info(() -> "JobPulse retention: ended jobs are deleted " + describe(settings.keep())
                + " after they ended, their progress events compacted " + describe(settings.compactAfter()));
        schedule(jittered(FIRST_RUN));
    }

    void stop(@Observes @BeforeDestroyed(ApplicationScoped.class) Object contextStopping) {
        stopping = true;
        ScheduledFuture<?> pending = next;
        if (pending != null) {
            pending.cancel(false);
        }
    }

    private void schedule(Duration delay) {
        if (stopping) {
            return;
        }
        try {
            next = executors.scheduler().schedule(this::run, delay.toMillis(), TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) {
            LOG.log(Level.FINE, e, () -> "Scheduler timer unavailable (shutting down?)");
        }
    }

    private void run() {
        Duration delay = jittered(PERIOD);
        try {
            delay = runLogged();
        } finally {
            schedule(delay);
        }
    }

    /**
     * One timed run; the delay until the next. A failure is logged with its exception and the next run comes a period
     * later: the timer's future would keep an exception to itself, and the sweeper would fail unseen every minute.
     */
    Duration runLogged() {
        try {
            return runOnce(System.nanoTime() + RUN_BUDGET.toNanos()).more() ? BACKLOG_DELAY : jittered(PERIOD);
        } catch (StoreException e) {
            LOG.log(Level.WARNING, e, () -> "The retention sweep failed; trying again in " + PERIOD.toSeconds() + " s");
        } catch (RuntimeException e) {
            LOG.log(
                    Level.SEVERE,
                    e,
                    () -> "The retention sweep failed unexpectedly; trying again in " + PERIOD.toSeconds() + " s");
        }
        return jittered(PERIOD);
    }

    /** One run now, as the timer would run it (for tests, which cannot wait a period); {@link Sweep#more}: not done. */
    public Sweep sweepNow() {
        if (!settings.enabled()) {
            return new Sweep(0, 0, 0, 0, false, false);
        }
        return runOnce(System.nanoTime() + RUN_BUDGET.toNanos());
    }

    /**
     * Deletes, then compacts, batch after batch until nothing is left, another node holds the lock, or
     * {@code deadlineNanos} ({@link System#nanoTime}) passes; counts and logs what it did.
     */
    Sweep runOnce(long deadlineNanos) {
        if (retention == null) {
            retention = new Retention(database); // at the first run, not at start: the store is not needed before
        }
        Instant now = clock.instant();
        long startNanos = System.nanoTime();
        Totals deleted = new Totals();
        Totals compacted = new Totals();
        if (settings.keep().isPresent()) {
            deleted.drain(retention::deleteBatch, now.minus(settings.keep().get()), deadlineNanos, () -> stopping);
        }
        if (settings.compactAfter().isPresent() && !deleted.locked && !deleted.more) {
            compacted.drain(
                    retention::compactBatch, now.minus(settings.compactAfter().get()), deadlineNanos, () -> stopping);
        }
        Sweep sweep = new Sweep(
                deleted.jobs,
                deleted.events,
                compacted.jobs,
                compacted.events,
                deleted.locked || compacted.locked,
                deleted.more || compacted.more);
        metrics.add(Counter.RETENTION_JOBS_DELETED, sweep.jobsDeleted());
        metrics.add(Counter.RETENTION_EVENTS_DELETED, sweep.eventsDeleted());
        metrics.add(Counter.RETENTION_EVENTS_COMPACTED, sweep.eventsCompacted());
        long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNanos);
        LOG.log(sweep.changedAnything() ? Level.INFO : Level.FINE, () -> describe(sweep, millis));
        return sweep;
    }

    private static String describe(Sweep s, long millis) {
        if (s.lockedElsewhere() && !s.changedAnything()) {
            return "Retention: another node is sweeping; nothing done here";
        }
        return "Retention: deleted " + s.jobsDeleted() + " ended job(s) with " + s.eventsDeleted() + " event(s),"
                + " compacted " + s.eventsCompacted() + " progress event(s) of " + s.jobsCompacted() + " job(s) in "
                + millis + " ms" + (s.more() ? "; more to do, going on shortly" : "");
    }

    private static String describe(Optional<Duration> limit) {
        return limit.map(Duration::toString).orElse("never");
    }

    private static Duration jittered(Duration d) {
        return Duration.ofMillis(
                (long) (d.toMillis() * (0.8 + 0.4 * ThreadLocalRandom.current().nextDouble())));
    }

    /** Sums of the batches of one kind in a run. */
    private static final class Totals {
        long jobs;
        long events;
        boolean locked;
        boolean more;

        void drain(
                Function<Instant, Retention.Batch> batch,
                Instant endedBefore,
                long deadlineNanos,
                BooleanSupplier stop) {
            while (true) {
                Retention.Batch b = batch.apply(endedBefore);
                jobs += b.jobs();
                events += b.events();
                if (b.locked()) {
                    locked = true;
                    return;
                }
                if (!b.more()) {
                    more = false;
                    return;
                }
                if (System.nanoTime() - deadlineNanos >= 0 || stop.getAsBoolean()) {
                    more = true;
                    return;
                }
            }
        }
    }
}
