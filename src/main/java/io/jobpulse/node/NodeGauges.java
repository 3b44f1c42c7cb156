package io.jobpulse.node;

import io.jobpulse.execution.JobScheduler;
import io.jobpulse.fallback.SseStreams;
import io.jobpulse.http.LongPoller;
import io.jobpulse.hub.ProgressHub;
import io.jobpulse.metrics.NodeMetrics;
import io.jobpulse.runtime.ContainerExecutors;
import io.jobpulse.store.ActiveJobs;
import io.jobpulse.store.JdbcJobStore;
import io.jobpulse.websocket.OpenSessions;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.BeforeDestroyed;
import jakarta.enterprise.context.Initialized;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.DoubleSupplier;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The node's gauges, registered on its meters at start. Each is read when scraped from what holds it in memory (sizes
 * of maps, a sum over the open connections); the only one the store answers, the jobs queued and running on every
 * node, is counted every {@link #COUNT_PERIOD} on the container's scheduler, so a scrape never reads a table.
 */
@ApplicationScoped
public class NodeGauges {

    static final Duration COUNT_PERIOD = Duration.ofSeconds(5);

    private static final Logger LOG = Logger.getLogger(NodeGauges.class.getName());

    private NodeMetrics metrics;
    private JdbcJobStore store;
    private JobScheduler scheduler;
    private OpenSessions webSockets;
    private SseStreams sse;
    private LongPoller polls;
    private ProgressHub hub;
    private ContainerExecutors executors;

    protected NodeGauges() {
        // for CDI proxies
    }

    @Inject
    public NodeGauges(
            NodeMetrics metrics,
            JdbcJobStore store,
            JobScheduler scheduler,
            OpenSessions webSockets,
            SseStreams sse,
            LongPoller polls,
            ProgressHub hub,
            ContainerExecutors executors) {
        this.metrics = metrics;
        this.store = store;
        this.scheduler = scheduler;
        this.webSockets = webSockets;
        this.sse = sse;
        this.polls = polls;
        this.hub = hub;
        this.executors = executors;
    }

    private volatile ActiveJobs active = new ActiveJobs(0, 0);
    private ScheduledFuture<?> counting;

    void start(@Observes @Initialized(ApplicationScoped.class) Object contextStarted) {
        metrics.gauge(
                "jobpulse_jobs_queued",
                "Jobs QUEUED in the store (every node's), counted every " + COUNT_PERIOD.toSeconds() + " s",
                () -> active.queued());
        metrics.gauge(
                "jobpulse_jobs_running",
                "Jobs RUNNING in the store (every node's, external ones too), counted every " + COUNT_PERIOD.toSeconds()
                        + " s",
                () -> active.running());
        metrics.gauge("jobpulse_node_runs", "Job handlers running on this node now", () -> scheduler.runningCount());
        metrics.gauge(
                "jobpulse_connections",
                "Watchers' connections open on this node, by transport (poll: long-poll requests waiting)",
                "transport",
                Map.<String, DoubleSupplier>of(
                        "websocket", webSockets::size, "sse", sse::open, "poll", polls::waiting));
        metrics.gauge(
                "jobpulse_subscriptions",
                "Subscriptions to jobs on this node (a connection may watch many jobs)",
                () -> hub.size());
        metrics.gauge(
                "jobpulse_outbox_bytes",
                "Bytes of messages waiting in the WebSocket connections' outboxes",
                () -> webSockets.outboxBytes());
        counting = executors
                .scheduler()
                .scheduleWithFixedDelay(this::count, 0, COUNT_PERIOD.toMillis(), TimeUnit.MILLISECONDS);
    }

    void stop(@Observes @BeforeDestroyed(ApplicationScoped.class) Object contextStopping) {
        if (counting != null) {
            counting.cancel(false);
        }
    }

    private void count() {
        try {
            active = store.countActive();
        } catch (RuntimeException e) {
            LOG.log(Level.FINE, e, () -> "Counting the active jobs failed; trying again in " + COUNT_PERIOD);
        }
    }

    /** The gauges now, as {@code GET /api/node} shows them. */
    public Values now() {
        return new Values(
                active.running(),
                active.queued(),
                scheduler.runningCount(),
                webSockets.size(),
                sse.open(),
                polls.waiting(),
                hub.size(),
                webSockets.outboxBytes());
    }

    /** The gauges' values at one moment. */
    public record Values(
            long jobsRunning,
            long jobsQueued,
            long nodeRuns,
            long webSocketConnections,
            long sseConnections,
            long pollWaits,
            long subscriptions,
            long outboxBytes) {}
}
