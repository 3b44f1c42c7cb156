package io.jobpulse.execution;

import io.jobpulse.hub.EventPublisher;
import io.jobpulse.job.JobError;
import io.jobpulse.job.JobId;
import io.jobpulse.metrics.Counter;
import io.jobpulse.metrics.NodeMetrics;
import io.jobpulse.runtime.ContainerExecutors;
import io.jobpulse.store.Change;
import io.jobpulse.store.JdbcJobStore;
import io.jobpulse.store.StoreException;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.BeforeDestroyed;
import jakarta.enterprise.context.Initialized;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Ends the external jobs whose worker went silent: a job that has not been reported for longer than its type's
 * heartbeat timeout (counted from submit while QUEUED, from the last accepted report while RUNNING) ends FAILED
 * {@code worker_lost}, and its watchers get that event like any other. Safe in a cluster, like the lease sweep of
 * {@link JobScheduler}: it runs on every node (no leader), deadlines are kept by the database's clock, and a job is
 * ended only if it is still silent once its row is locked ({@code FOR UPDATE SKIP LOCKED}: a job whose report is being
 * stored, or that another node is ending, is skipped). It looks every quarter of the shortest heartbeat timeout
 * (within 250 ms and 5 s), with jitter so that nodes do not sweep in step.
 */
@ApplicationScoped
public class HeartbeatSweeper {

    private static final Logger LOG = Logger.getLogger(HeartbeatSweeper.class.getName());
    private static final int BATCH = 100;
    private static final long MIN_PERIOD_MS = 250;
    private static final long MAX_PERIOD_MS = 5000;

    @Inject
    JdbcJobStore store;

    @Inject
    EventPublisher publisher;

    @Inject
    Clock clock;

    @Inject
    ExternalJobs externals;

    @Inject
    ContainerExecutors executors;

    @Inject
    NodeMetrics metrics;

    private volatile boolean stopping;
    private volatile ScheduledFuture<?> next;
    private long periodMs;

    void start(@Observes @Initialized(ApplicationScoped.class) Object contextStarted) {
        periodMs = Math.max(
                MIN_PERIOD_MS,
                Math.min(MAX_PERIOD_MS, externals.shortestHeartbeatTimeout().toMillis() / 4));
        schedule();
    }

    void stop(@Observes @BeforeDestroyed(ApplicationScoped.class) Object contextStopping) {
        stopping = true;
        ScheduledFuture<?> pending = next;
        if (pending != null) {
            pending.cancel(false);
        }
    }

    private void schedule() {
        if (stopping) {
            return;
        }
        long delay = (long) (periodMs * (0.8 + 0.4 * ThreadLocalRandom.current().nextDouble()));
        try {
            next = executors.scheduler().schedule(this::sweep, delay, TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) {
            LOG.log(Level.FINE, e, () -> "Scheduler timer unavailable (shutting down?)");
        }
    }

    private void sweep() {
        if (stopping) {
            return;
        }
        try {
            for (JobId id : store.silentExternalJobs(BATCH)) {
                if (stopping) {
                    return;
                }
                endSilent(id);
            }
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, e, () -> "Looking for silent external workers failed; will retry");
        } finally {
            schedule();
        }
    }

    private void endSilent(JobId id) {
        Instant now = clock.instant();
        try {
            store.updateSilent(id, now, job -> {
                        Duration timeout = externals.heartbeatTimeout(job.type());
                        return Optional.of(job.fail(
                                new JobError(
                                        JobError.WORKER_LOST,
                                        "the worker did not report for longer than the heartbeat timeout of "
                                                + timeout),
                                now));
                    })
                    .flatMap(Change::event)
                    .ifPresent(event -> {
                        LOG.info(() -> "External job " + id + ": its worker went silent; recorded FAILED worker_lost");
                        metrics.increment(Counter.JOBS_WORKER_LOST);
                        externals.ended(id);
                        publisher.publish(List.of(event));
                    });
        } catch (StoreException e) {
            LOG.log(Level.WARNING, e, () -> "Could not end the silent external job " + id + "; will retry");
        }
    }
}
