package io.jobpulse.execution;

import io.jobpulse.config.JobPulseConfig;
import io.jobpulse.hub.ProgressHub;
import io.jobpulse.job.Job;
import io.jobpulse.job.JobError;
import io.jobpulse.job.JobId;
import io.jobpulse.store.Change;
import io.jobpulse.store.JdbcJobStore;
import io.jobpulse.store.StoreException;
import io.jobpulse.runtime.ContainerExecutors;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.BeforeDestroyed;
import jakarta.enterprise.context.Initialized;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Runs queued jobs on this node: at most {@code jobpulse.max-running-jobs} at once, the rest wait QUEUED and are
 * claimed oldest first. Claims and leases live in the database, so several nodes can share it. At start-up it fails
 * the jobs an earlier life of this node left RUNNING; at shutdown it stops the running ones and records them as
 * FAILED with kind {@code interrupted}, so nothing stays RUNNING forever.
 */
@ApplicationScoped
public class JobScheduler {

    private static final Logger LOG = Logger.getLogger(JobScheduler.class.getName());

    @Inject
    JobPulseConfig config;
    @Inject
    JdbcJobStore store;
    @Inject
    ProgressHub hub;
    @Inject
    JobTypeRegistry types;
    @Inject
    Instance<JobLauncher> ejbLauncher;
    @Inject
    ExecutorJobLauncher ownLauncher;
    @Inject
    ContainerExecutors executors;

    private JobLauncher launcher;
    private ScheduledExecutorService timer;

    private final Map<JobId, RunningJob> running = new ConcurrentHashMap<>();
    private Semaphore slots;
    private ScheduledFuture<?> housekeeping;
    private volatile boolean stopping;

    void start(@Observes @Initialized(ApplicationScoped.class) Object contextStarted) {
        slots = new Semaphore(config.maxRunningJobs());
        // the EJB launcher is a bean only where there is an EJB container; elsewhere JobPulse's own executor
        launcher = ejbLauncher.isResolvable() ? ejbLauncher.get() : ownLauncher;
        timer = executors.scheduler();
        failOrphans(Optional.of(config.nodeId()));
        Duration period = config.lease().dividedBy(3);
        housekeeping = timer.scheduleWithFixedDelay(this::housekeeping, period.toMillis(), period.toMillis(),
                TimeUnit.MILLISECONDS);
        LOG.info(() -> "JobPulse scheduler on node " + config.nodeId() + ": up to " + config.maxRunningJobs()
                + " jobs at once, run as " + launcher.description());
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

    private synchronized void claimWhileFree() {
        while (!stopping && slots.tryAcquire()) {
            Optional<Change> claimed;
            try {
                Instant now = now();
                claimed = store.claimNext(config.nodeId(), now, now.plus(config.lease()));
            } catch (RuntimeException e) {
                slots.release();
                LOG.log(Level.WARNING, e, () -> "Could not claim a queued job; will retry");
                return;
            }
            if (claimed.isEmpty()) {
                slots.release();
                return;
            }
            claimed.get().event().ifPresent(hub::publish);
            launch(claimed.get().job());
        }
    }

    private void launch(Job job) {
        Optional<JobHandler> handler = types.handler(job.type());
        JobParameters parameters;
        try {
            parameters = handler.orElseThrow(() -> new InvalidParametersException("type", "no handler"))
                    .type().validate(job.params());
        } catch (InvalidParametersException e) {
            failNow(job.id(), new JobError("unknown_type", "job type " + job.type() + " is not deployed here: "
                    + e.getMessage()));
            slots.release();
            return;
        }
        RunningJob run = new RunningJob(job.id(), handler.get(), parameters, store, hub::publish, timer,
                config.progressRate());
        running.put(job.id(), run);
        try {
            launcher.launch(() -> {
                try {
                    run.execute();
                } finally {
                    running.remove(job.id());
                    slots.release();
                    wake();
                }
            });
        } catch (RuntimeException e) {
            running.remove(job.id());
            slots.release();
            LOG.log(Level.SEVERE, e, () -> "Could not launch job " + job.id());
            failNow(job.id(), new JobError(JobError.INTERRUPTED, "the job could not be started on this node"));
        }
    }

    private void housekeeping() {
        try {
            store.renewLeases(config.nodeId(), running.keySet(), now().plus(config.lease()));
            failOrphans(Optional.empty());
            claimWhileFree();
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, e, () -> "Scheduler housekeeping failed; will retry");
        }
    }

    /** RUNNING jobs whose node stopped renewing its lease, and at start-up those of this node's earlier life. */
    private void failOrphans(Optional<String> ownNode) {
        List<JobId> orphans = store.orphans(ownNode, now());
        for (JobId id : orphans) {
            if (!running.containsKey(id)) {
                LOG.warning(() -> "Job " + id + " was left RUNNING by a stopped node; recording it as interrupted");
                failNow(id, new JobError(JobError.INTERRUPTED, "the node running the job stopped"));
            }
        }
    }

    private void failNow(JobId id, JobError error) {
        try {
            store.update(id, now(), job -> job.state().isTerminal() ? Optional.empty()
                            : Optional.of(job.fail(error, now())))
                    .flatMap(Change::event).ifPresent(hub::publish);
        } catch (StoreException e) {
            LOG.log(Level.SEVERE, e, () -> "Could not record job " + id + " as failed");
        }
    }

    void stop(@Observes @BeforeDestroyed(ApplicationScoped.class) Object contextStopping) {
        stopping = true;
        if (housekeeping != null) {
            housekeeping.cancel(false);
        }
        if (running.isEmpty()) {
            return;
        }
        LOG.info(() -> "JobPulse stopping: interrupting " + running.size() + " running job(s)");
        running.values().forEach(RunningJob::interrupt);
        long deadline = System.nanoTime() + config.shutdownGrace().toNanos();
        for (RunningJob run : List.copyOf(running.values())) {
            try {
                long left = deadline - System.nanoTime();
                if (left <= 0 || !run.awaitFinished(Duration.ofNanos(left))) {
                    LOG.warning(() -> "Job " + run.jobId() + " did not stop within jobpulse.shutdown-grace");
                    failNow(run.jobId(), new JobError(JobError.INTERRUPTED, "the server stopped while the job ran"));
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

    static Instant now() {
        return Instant.now().truncatedTo(ChronoUnit.MILLIS);
    }
}
