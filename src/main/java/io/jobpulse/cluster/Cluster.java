package io.jobpulse.cluster;

import io.jobpulse.config.ClusterSettings;
import io.jobpulse.config.JobPulseConfig;
import io.jobpulse.execution.JobScheduler;
import io.jobpulse.hub.ProgressHub;
import io.jobpulse.job.JobEvent;
import io.jobpulse.job.JobId;
import io.jobpulse.job.JobState;
import io.jobpulse.metrics.NodeMetrics;
import io.jobpulse.runtime.ContainerExecutors;
import io.jobpulse.runtime.NamedThreads;
import io.jobpulse.store.Database;
import io.jobpulse.store.JdbcJobStore;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.BeforeDestroyed;
import jakarta.enterprise.context.Initialized;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.Driver;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * This node's part in a cluster: on PostgreSQL, it starts the bus ({@code jobpulse.bus}), hints the other nodes of
 * every commit ({@link #published}), catches watched jobs up when they hint back or when the backstop poll finds
 * more, checks the cancel flags of its running jobs every second, and heartbeats {@code jp_node}. On the embedded H2
 * it only registers the node: there is no other node to hear.
 *
 * <p>The backstop poll reads the newest {@code seq} of every job watched here in one query, every
 * {@code jobpulse.bus.poll-interval} while the bus is healthy and every {@code jobpulse.bus.fast-poll-interval} while
 * it is not (or with {@code jobpulse.bus=poll}); so a lost notification delays an event by a poll at most, and with
 * no LISTEN at all events still arrive within the fast poll.
 */
@ApplicationScoped
public class Cluster {

    private static final Logger LOG = Logger.getLogger(Cluster.class.getName());
    static final Duration CANCEL_CHECK = Duration.ofSeconds(1);
    /** Stops after the scheduler handed its jobs back, so the hand-back still reaches the other nodes. */
    static final int STOP_PRIORITY = JobScheduler.STOP_PRIORITY + 100;

    @Inject
    JobPulseConfig config;

    @Inject
    Database database;

    @Inject
    JdbcJobStore store;

    @Inject
    ProgressHub hub;

    @Inject
    JobScheduler scheduler;

    @Inject
    ContainerExecutors executors;

    @Inject
    NodeMetrics metrics;

    @Inject
    Membership membership;

    private volatile ClusterBus bus = new QuietBus(BusState.SINGLE_NODE);
    private volatile boolean shared;
    private volatile boolean stopped;
    private CatchUp catchUp;
    private ScheduledFuture<?> heartbeat;
    private ScheduledFuture<?> cancelCheck;

    @PostConstruct
    void prepare() {
        catchUp = new CatchUp(store, hub, executors.tasks(), metrics);
    }

    void start(@Observes @Initialized(ApplicationScoped.class) Object contextStarted) {
        ClusterSettings settings = config.cluster();
        if (database.isPostgres()) {
            shared = true;
            bus = settings.bus() == ClusterSettings.BusMode.POLL
                    ? new QuietBus(BusState.POLL_ONLY)
                    : new PgNotifyBus(
                            config.nodeId(),
                            this::openListeningConnection,
                            settings.pingInterval(),
                            new NamedThreads("jobpulse-bus"));
            bus.start(new Heard());
            schedulePoll(Duration.ZERO);
            cancelCheck = executors
                    .scheduler()
                    .scheduleWithFixedDelay(
                            this::checkCancels,
                            CANCEL_CHECK.toMillis(),
                            CANCEL_CHECK.toMillis(),
                            TimeUnit.MILLISECONDS);
            LOG.info(() -> "JobPulse cluster: node " + config.nodeId() + " on a shared PostgreSQL; bus "
                    + (bus.state() == BusState.POLL_ONLY
                            ? "off (jobpulse.bus=poll): polling every " + settings.fastPollInterval()
                            : "LISTEN/NOTIFY on " + listenUrl() + ", backstop poll every " + settings.pollInterval())
                    + "; lease " + config.jobs().lease());
        } else if (settings.bus() != ClusterSettings.BusMode.AUTO) {
            LOG.warning(() -> "jobpulse.bus=" + settings.bus().name().toLowerCase(java.util.Locale.ROOT)
                    + " is ignored:" + " the embedded H2 database serves one node only");
        }
        membership.join(bus::state);
        long beat = config.jobs().lease().dividedBy(3).toMillis();
        heartbeat = executors.scheduler().scheduleWithFixedDelay(membership::beat, beat, beat, TimeUnit.MILLISECONDS);
    }

    /** Committed events went through this node's hub: tell the other nodes (coalesced by the bus). */
    void published(List<JobEvent> committed) {
        if (!shared || committed.isEmpty()) {
            return;
        }
        Map<JobId, Long> upTo = new HashMap<>();
        boolean queued = false;
        for (JobEvent event : committed) {
            upTo.merge(event.jobId(), event.seq(), Math::max);
            queued |= event.state() == JobState.QUEUED;
        }
        catchUp.published(upTo);
        bus.send(new BusMessage.Hints(config.nodeId(), upTo));
        if (queued) {
            bus.send(new BusMessage.Wake(config.nodeId()));
        }
    }

    void cancelElsewhere(JobId job) {
        if (shared) {
            bus.send(new BusMessage.Cancel(config.nodeId(), job));
        }
    }

    /** How this node hears the others now. */
    public BusState busState() {
        return bus.state();
    }

    /** Times the listening connection was re-opened after a failure since start. */
    public long busReconnects() {
        return bus.reconnects();
    }

    /** This node's membership, which also lists the cluster's live nodes. */
    public Membership membership() {
        return membership;
    }

    private void schedulePoll(Duration delay) {
        if (stopped) {
            return;
        }
        try {
            executors.scheduler().schedule(this::poll, delay.toMillis(), TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) {
            LOG.log(Level.FINE, e, () -> "Scheduler unavailable (shutting down?)");
        }
    }

    /** The backstop: catches every watched job up to the store, and claims what fits while hints may be missing. */
    private void poll() {
        boolean healthy = bus.state().healthy();
        try {
            catchUpWatched();
            if (!healthy) {
                scheduler.wake();
            }
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, e, () -> "The cluster's backstop poll failed; will retry");
        } finally {
            ClusterSettings settings = config.cluster();
            schedulePoll(healthy ? settings.pollInterval() : settings.fastPollInterval());
        }
    }

    private void catchUpWatched() {
        Set<JobId> watched = hub.watched();
        if (!watched.isEmpty()) {
            store.latestSeqs(watched).forEach(catchUp::want);
        }
        catchUp.forgetUnwatched();
    }

    /** A cancel asked on another node reaches the handler here within a second, with or without the bus. */
    private void checkCancels() {
        try {
            if (scheduler.runningCount() > 0) {
                store.cancelRequested(config.nodeId()).forEach(scheduler::signalCancel);
            }
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, e, () -> "Checking cancel requests failed; will retry");
        }
    }

    private Connection openListeningConnection() throws SQLException {
        ClusterSettings settings = config.cluster();
        Properties properties = new Properties();
        properties.setProperty("user", settings.user().orElse(database.user()));
        settings.password().ifPresent(p -> properties.setProperty("password", p));
        properties.setProperty("ApplicationName", "jobpulse-listen-" + config.nodeId());
        properties.setProperty("tcpKeepAlive", "true");
        properties.setProperty("connectTimeout", "10");
        properties.setProperty(
                "socketTimeout",
                String.valueOf(Math.max(30, settings.pingInterval().toSeconds() * 3)));
        Connection c = new org.postgresql.Driver().connect(listenUrl(), properties);
        if (c == null) {
            throw new SQLException("jobpulse.bus.url is not a PostgreSQL JDBC URL: " + listenUrl());
        }
        return c;
    }

    private String listenUrl() {
        return config.cluster().url().orElse(database.url());
    }

    void stop(@Observes @Priority(STOP_PRIORITY) @BeforeDestroyed(ApplicationScoped.class) Object contextStopping) {
        stopped = true;
        if (cancelCheck != null) {
            cancelCheck.cancel(false);
        }
        if (heartbeat != null) {
            heartbeat.cancel(false);
        }
        bus.close();
        membership.leave();
        forgetOwnDriver();
    }

    /**
     * The PostgreSQL driver bundled in the WAR registered itself with {@link DriverManager} when the bus first used it;
     * unregister it at undeploy, so the application's class loader is not kept alive by it (Tomcat warns otherwise).
     * A driver the server provides (another class loader) is left alone.
     */
    private static void forgetOwnDriver() {
        ClassLoader own = Cluster.class.getClassLoader();
        if (own == ClassLoader.getSystemClassLoader()) {
            return; // not deployed as an application (embedded, or the in-process tests): the driver is everyone's
        }
        for (Driver driver : Collections.list(DriverManager.getDrivers())) {
            if (driver.getClass().getClassLoader() == own) {
                try {
                    DriverManager.deregisterDriver(driver);
                } catch (SQLException | SecurityException e) {
                    LOG.log(Level.FINE, e, () -> "Could not unregister the bundled JDBC driver " + driver);
                }
            }
        }
    }

    /** What the bus hears, on its thread: each is a quick hand-over. */
    private final class Heard implements ClusterBus.Listener {

        @Override
        public void received(BusMessage message) {
            if (message instanceof BusMessage.Hints hints) {
                hints.upTo().forEach(catchUp::want);
            } else if (message instanceof BusMessage.Cancel cancel) {
                scheduler.signalCancel(cancel.job());
            } else if (message instanceof BusMessage.Wake) {
                scheduler.wake();
            } // another node's Ping is its own self-check: nothing to do
        }

        @Override
        public void connected() {
            try {
                executors.tasks().execute(Cluster.this::catchUpWatched);
            } catch (RejectedExecutionException e) {
                LOG.log(Level.FINE, e, () -> "No thread to catch up after the bus connected (shutting down?)");
            }
        }
    }
}
