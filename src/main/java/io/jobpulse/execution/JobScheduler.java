package io.jobpulse.execution;

import io.jobpulse.api.InvalidParametersException;
import io.jobpulse.api.JobHandler;
import io.jobpulse.api.JobParameters;
import io.jobpulse.config.JobPulseConfig;
import io.jobpulse.hub.EventPublisher;
import io.jobpulse.job.Job;
import io.jobpulse.job.JobError;
import io.jobpulse.job.JobEvent;
import io.jobpulse.job.JobId;
import io.jobpulse.job.JobState;
import io.jobpulse.metrics.Counter;
import io.jobpulse.metrics.NodeMetrics;
import io.jobpulse.runtime.ContainerExecutors;
import io.jobpulse.store.Change;
import io.jobpulse.store.JdbcJobStore;
import io.jobpulse.store.StoreException;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.BeforeDestroyed;
import jakarta.enterprise.context.Initialized;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;
import jakarta.interceptor.Interceptor;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Runs queued jobs on this node: at most {@code jobpulse.max-running-jobs} at once, the rest wait QUEUED and are
 * claimed oldest first. Claims and leases live in the database, so several nodes can share it. Each run is bounded
 * by its type's timeout ({@link TimedRun}). Jobs cut short by a node that stopped or died (found at this node's
 * start-up, or when their lease expires) and the ones it stops at shutdown are re-queued when their type is safe to
 * re-run and has attempts left, else recorded FAILED with kind {@code interrupted}, so nothing stays RUNNING forever.
 */
@ApplicationScoped
public class JobScheduler {

    private static final Logger LOG = Logger.getLogger(JobScheduler.class.getName());
    private static final int SWEEP_BATCH = 100;
    /** Stops before observers of a higher priority value (the cluster's bus, which must still send the hand-back). */
    public static final int STOP_PRIORITY = Interceptor.Priority.APPLICATION;

    @Inject
    JobPulseConfig config;

    @Inject
    JdbcJobStore store;

    @Inject
    EventPublisher publisher;

    @Inject
    Clock clock;

    @Inject
    JobTypeRegistry types;

    @Inject
    Instance<JobLauncher> ejbLauncher;

    @Inject
    ExecutorJobLauncher ownLauncher;

    @Inject
    ContainerExecutors executors;

    @Inject
    NodeMetrics metrics;

    private JobLauncher launcher;
    private ScheduledExecutorService timer;
    private RunWriter writer;

    private final Map<JobId, RunningJob> running = new ConcurrentHashMap<>();
    private volatile Map<String, RunLimits> limits = Map.of();
    private Semaphore slots;
    private ScheduledFuture<?> housekeeping;
    private volatile boolean stopping;

    void start(@Observes @Initialized(ApplicationScoped.class) Object contextStarted) {
        slots = new Semaphore(config.jobs().maxRunningJobs());
        // the EJB launcher is a bean only where there is an EJB container; elsewhere JobPulse's own executor
        launcher = ejbLauncher.isResolvable() ? ejbLauncher.get() : ownLauncher;
        timer = executors.scheduler();
        writer = new RunWriter(store, publisher, executors.tasks(), clock);
        Map<String, RunLimits> byType = new TreeMap<>();
        for (JobHandler handler : types.all()) {
            byType.put(handler.type().name(), RunLimits.of(handler.type(), config.jobs()));
        }
        limits = Map.copyOf(byType);
        LOG.info(() -> "JobPulse job limits: " + describe(limits));
        recoverEarlierLife();
        Duration period = config.jobs().lease().dividedBy(3);
        housekeeping = timer.scheduleWithFixedDelay(
                this::housekeeping, period.toMillis(), period.toMillis(), TimeUnit.MILLISECONDS);
        scheduleSweep();
        LOG.info(() -> "JobPulse scheduler on node " + config.nodeId() + ": up to "
                + config.jobs().maxRunningJobs() + " jobs at once, run as " + launcher.description());
        wake();
    }

    /** Something may be waiting: look for queued jobs on another thread. */
    public void wake() {
        if (stopping) {
            return;
        }
        try {
            timer.execute(this::claimWhileFree);
        } catch (RejectedExecutionException e) {
            LOG.log(Level.FINE, e, () -> "Scheduler timer unavailable (shutting down?)");
        }
    }

    /** Asks a job running on this node to stop; true if it runs here. */
    public boolean signalCancel(JobId id) {
        RunningJob job = running.get(id);
        if (job != null) {
            job.cancel();
        }
        return job != null;
    }

    /**
     * A cancel stored between the claim's commit and {@code running.put} found no run here to signal: read the flag
     * once the run is registered, so such a cancel is not lost (on a single node nothing else would deliver it).
     */
    private void cancelIfAskedMeanwhile(RunningJob run, JobId id) {
        try {
            if (store.find(id).map(Job::cancelRequested).orElse(false)) {
                run.cancel();
            }
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, e, () -> "Could not check job " + id + " for a cancel at its start");
        }
    }

    private synchronized void claimWhileFree() {
        while (!stopping && slots.tryAcquire()) {
            Optional<Change> claimed;
            try {
                claimed = store.claimNext(config.nodeId(), now(), config.jobs().lease());
            } catch (RuntimeException e) {
                slots.release();
                LOG.log(Level.WARNING, e, () -> "Could not claim a queued job; will retry");
                return;
            }
            if (claimed.isEmpty()) {
                slots.release();
                return;
            }
            publish(claimed.get().event());
            launch(claimed.get().job());
        }
    }

    private void launch(Job job) {
        Optional<JobHandler> handler = types.handler(job.type());
        JobParameters parameters;
        try {
            parameters = handler.orElseThrow(() -> new InvalidParametersException("type", "no handler"))
                    .type()
                    .validate(job.params());
        } catch (InvalidParametersException e) {
            failNow(
                    job.id(),
                    new JobError(
                            JobError.UNKNOWN_TYPE,
                            "job type " + job.type() + " is not deployed here: " + e.getMessage()));
            slots.release();
            return;
        }
        RunLimits runLimits = limitsOf(job.type());
        RunningJob run = new RunningJob(
                job,
                handler.get(),
                parameters,
                runLimits,
                writer,
                timer,
                config.jobs().progressRate(),
                clock);
        running.put(job.id(), run);
        cancelIfAskedMeanwhile(run, job.id());
        TimedRun timed = new TimedRun(
                run,
                runLimits.timeout(),
                () -> {
                    running.remove(job.id(), run);
                    slots.release();
                    wake();
                },
                metrics,
                (task, delay) -> timer.schedule(task, TimeUnit.NANOSECONDS.convert(delay), TimeUnit.NANOSECONDS));
        try {
            timed.arm();
            launcher.launch(timed);
        } catch (RuntimeException e) {
            timed.notLaunched();
            LOG.log(Level.SEVERE, e, () -> "Could not launch job " + job.id());
            failNow(job.id(), new JobError(JobError.INTERRUPTED, "the job could not be started on this node"));
        }
    }

    /** The limits of a deployed type; a type not deployed here gets the default timeout and no re-run. */
    private RunLimits limitsOf(String type) {
        return limits.getOrDefault(type, new RunLimits(config.jobs().jobTimeout(), 1));
    }

    private static String describe(Map<String, RunLimits> byType) {
        StringBuilder text = new StringBuilder();
        new TreeMap<>(byType)
                .forEach((type, l) -> text.append(text.isEmpty() ? "" : "; ")
                        .append(type)
                        .append(": ")
                        .append(l.describe()));
        return text.toString();
    }

    /**
     * Every third of a lease: renews the leases of this node's runs (by the database's clock), stops the runs this node
     * lost meanwhile, and claims what fits.
     */
    private void housekeeping() {
        try {
            Map<JobId, Integer> runs = new HashMap<>();
            running.forEach((id, run) -> runs.put(id, run.attempt()));
            for (JobId id :
                    store.renewLeases(config.nodeId(), runs, config.jobs().lease())) {
                RunningJob run = running.get(id);
                if (run != null && run.attempt() == runs.get(id) && run.lose()) {
                    LOG.warning(
                            () -> "Job " + id + ": this node lost it (its lease ran out, so another node recovered it"
                                    + " while this node was paused or cut off from the database); its run here is stopped and"
                                    + " writes nothing more");
                    metrics.increment(Counter.RUNS_LOST);
                }
            }
            claimWhileFree();
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, e, () -> "Scheduler housekeeping failed; will retry");
        }
    }

    /**
     * The sweeper, on every node (no leader): RUNNING jobs whose lease ran out by the database's clock are recovered by
     * whichever live node finds them first. Runs about six times a lease (at least every 5 s, at most every second),
     * with jitter so that the nodes do not sweep in step.
     */
    private void scheduleSweep() {
        if (stopping) {
            return;
        }
        long base = Math.max(1000, Math.min(5000, config.jobs().lease().toMillis() / 6));
        long delay = (long) (base * (0.8 + 0.4 * ThreadLocalRandom.current().nextDouble()));
        try {
            timer.schedule(this::sweep, delay, TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) {
            LOG.log(Level.FINE, e, () -> "Scheduler timer unavailable (shutting down?)");
        }
    }

    private void sweep() {
        try {
            for (JobId id : store.expiredLeases(SWEEP_BATCH)) {
                if (!running.containsKey(id)) {
                    recoverOrphan(id, Optional.empty());
                }
            }
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, e, () -> "Sweeping expired leases failed; will retry");
        } finally {
            scheduleSweep();
        }
    }

    /** At start-up: the jobs an earlier life of this node left RUNNING are recovered at once, not after a lease. */
    private void recoverEarlierLife() {
        try {
            for (JobId id : store.runningOn(config.nodeId())) {
                recoverOrphan(id, Optional.of(config.nodeId()));
            }
        } catch (StoreException e) {
            LOG.log(Level.SEVERE, e, () -> "Could not look for jobs left RUNNING by this node's earlier life");
        }
    }

    private void recoverOrphan(JobId id, Optional<String> ownNode) {
        Optional<Change> change;
        try {
            change = store.updateOrphan(
                    id,
                    ownNode,
                    now(),
                    job -> Optional.of(job.interrupt(
                            "the node running the job stopped",
                            limitsOf(job.type()).maxAttempts(),
                            now())));
        } catch (StoreException e) {
            LOG.log(Level.SEVERE, e, () -> "Could not recover job " + id + " left RUNNING by a stopped node");
            return;
        }
        change.ifPresent(done -> {
            Job job = done.job();
            LOG.warning(() -> "Job " + id + " (" + job.type() + ") was left RUNNING by a stopped node; "
                    + (job.state() == JobState.QUEUED
                            ? "re-queued for attempt " + (job.attempt() + 1)
                            : "recorded as " + job.state()
                                    + (job.error() == null
                                            ? ""
                                            : "/" + job.error().kind())));
            publish(done.event());
        });
    }

    private void failNow(JobId id, JobError error) {
        try {
            publish(store.update(
                            id,
                            now(),
                            job -> job.state().isTerminal() ? Optional.empty() : Optional.of(job.fail(error, now())))
                    .flatMap(Change::event));
        } catch (StoreException e) {
            LOG.log(Level.SEVERE, e, () -> "Could not record job " + id + " as failed");
        }
    }

    /** Hands this node's jobs back (before the cluster stops telling the other nodes, so they claim them at once). */
    void stop(@Observes @Priority(STOP_PRIORITY) @BeforeDestroyed(ApplicationScoped.class) Object contextStopping) {
        stopping = true;
        if (housekeeping != null) {
            housekeeping.cancel(false);
        }
        if (running.isEmpty()) {
            return;
        }
        LOG.info(() -> "JobPulse stopping: interrupting " + running.size() + " running job(s)");
        running.values().forEach(RunningJob::interrupt);
        long deadline = System.nanoTime() + config.jobs().shutdownGrace().toNanos();
        for (RunningJob run : List.copyOf(running.values())) {
            try {
                long left = deadline - System.nanoTime();
                if (left <= 0 || !run.awaitFinished(Duration.ofNanos(left))) {
                    LOG.warning(() -> "Job " + run.jobId() + " did not stop within jobpulse.shutdown-grace; recording "
                            + "it as interrupted without waiting any longer");
                    run.abandon();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    /** How many jobs run on this node now. */
    public int runningCount() {
        return running.size();
    }

    private void publish(Optional<JobEvent> committed) {
        committed.ifPresent(event -> publisher.publish(List.of(event)));
    }

    private Instant now() {
        return clock.instant();
    }
}
