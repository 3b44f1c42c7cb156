package io.jobpulse.metrics;

import io.prometheus.metrics.core.datapoints.CounterDataPoint;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.Map;
import java.util.function.DoubleSupplier;

/**
 * The node's meters, in one Prometheus registry of this deployment (not the library's static default registry, which
 * two deployments in one JVM, or a redeploy, would share). Thread-safe and cheap enough to bump on every hot path: each
 * counter is the Prometheus client's, striped like a {@code LongAdder}, without exemplars. {@code GET /jobpulse/metrics}
 * writes {@link #registry()}; {@code GET /api/node} reads the same counters ({@link #get}).
 */
@ApplicationScoped
public class NodeMetrics {

    private static final Map<String, String> HELP = Map.ofEntries(
            Map.entry(
                    "jobpulse_websocket_closes",
                    "WebSocket connections this node closed, by reason: lagging 4008, idle 4000, no_subscribe 4001,"
                            + " message_rate 4029, client_connections 4013, bad_input 1003/1007/1009"),
            Map.entry(
                    "jobpulse_events_coalesced",
                    "Progress events replaced by a newer one of the same job before a lagging client got them"),
            Map.entry(
                    "jobpulse_websocket_batch_frames",
                    "WebSocket frames that carried a batch of several messages (jobpulse.v2)"),
            Map.entry(
                    "jobpulse_refusals",
                    "Requests refused for a limit: websocket_connections, submissions (429), request_body"
                            + " (400/408/413), report_rate (429)"),
            Map.entry("jobpulse_jobs_timed_out", "Jobs failed because they ran longer than their timeout"),
            Map.entry(
                    "jobpulse_jobs_worker_lost",
                    "External jobs failed because their worker did not report within its heartbeat timeout"),
            Map.entry(
                    "jobpulse_runs_lost",
                    "Runs this node stopped because another node had recovered their job (paused past its lease)"),
            Map.entry(
                    "jobpulse_cluster_catch_up_events",
                    "Events of other nodes' jobs read from the store and fanned out here"),
            Map.entry(
                    "jobpulse_cluster_catch_up_reads",
                    "Catch-up reads of the store, one per job however many watchers it has here"),
            Map.entry(
                    "jobpulse_resumes_from_memory",
                    "Watchers that resumed from the events this node keeps, without reading the store"),
            Map.entry("jobpulse_events_stored", "Job events this node committed to the store"),
            Map.entry(
                    "jobpulse_events_published",
                    "Committed events that entered this node's live path (its own, and other nodes' caught up)"),
            Map.entry(
                    "jobpulse_events_delivered",
                    "Events handed to a watcher's transport (WebSocket, SSE or long poll), one per watcher"),
            Map.entry(
                    "jobpulse_retention_deleted_jobs",
                    "Ended jobs this node deleted past jobpulse.retention, with their events and idempotency keys"),
            Map.entry("jobpulse_retention_deleted_events", "Events deleted with the jobs past jobpulse.retention"),
            Map.entry(
                    "jobpulse_retention_compacted_events",
                    "Progress events of ended jobs deleted past jobpulse.retention.compact-after (the newest stays)"),
            Map.entry(
                    "jobpulse_reports_answered",
                    "Workers' reports of existing jobs answered: at_once (while earlier reports were being stored;"
                            + " stored in a coming commit) or after_commit (once their own commit was done)"));

    /** Commit times, in seconds: a fraction of a millisecond on the embedded H2 to seconds on a struggling database. */
    private static final double[] COMMIT_SECONDS = {
        0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5
    };

    /** Bus lag, in seconds: a hint arrives in milliseconds, the backstop poll catches up within seconds. */
    private static final double[] LAG_SECONDS = {0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30};

    private final PrometheusRegistry registry = new PrometheusRegistry();
    private final Map<Counter, CounterDataPoint> counters = new EnumMap<>(Counter.class);
    private final JobMeters jobs = new JobMeters(registry);
    private final Histogram commits = histogram(
            "jobpulse_store_commit_seconds", "How long the store's commits took (the COMMIT itself)", COMMIT_SECONDS);
    private final Histogram busLag = histogram(
            "jobpulse_cluster_bus_lag_seconds",
            "From an event's commit on another node to its fan-out here (the nodes' clocks must agree)",
            LAG_SECONDS);

    public NodeMetrics() {
        Map<String, io.prometheus.metrics.core.metrics.Counter> families = new HashMap<>();
        for (Counter c : Counter.values()) {
            io.prometheus.metrics.core.metrics.Counter family = families.computeIfAbsent(c.metric(), name -> {
                io.prometheus.metrics.core.metrics.Counter.Builder builder =
                        io.prometheus.metrics.core.metrics.Counter.builder()
                                .name(name)
                                .help(HELP.get(name));
                builder.withoutExemplars();
                c.label().ifPresent(builder::labelNames);
                return builder.register(registry);
            });
            counters.put(
                    c, c.labelValue().<CounterDataPoint>map(family::labelValues).orElse(family));
        }
    }

    private Histogram histogram(String name, String help, double[] bounds) {
        Histogram.Builder builder =
                Histogram.builder().name(name).help(help).classicOnly().classicUpperBounds(bounds);
        builder.withoutExemplars();
        return builder.register(registry);
    }

    /** The registry {@code GET /jobpulse/metrics} writes: every meter of this node. */
    public PrometheusRegistry registry() {
        return registry;
    }

    public void increment(Counter counter) {
        counters.get(counter).inc();
    }

    public void add(Counter counter, long n) {
        counters.get(counter).inc(n);
    }

    public long get(Counter counter) {
        return counters.get(counter).getLongValue();
    }

    /** Jobs submitted, started and finished, and their queue wait and run time. */
    public JobMeters jobs() {
        return jobs;
    }

    /** One of the store's commits took {@code nanos}. */
    public void committed(long nanos) {
        commits.observe(nanos / 1e9);
    }

    /** The commits timed so far. */
    public long commits() {
        return commits.getCount();
    }

    /** An event another node committed reached this node's fan-out {@code lag} after it was committed. */
    public void busLag(Duration lag) {
        busLag.observe(Math.max(0, lag.toNanos()) / 1e9);
    }

    /** The lags measured so far (catch-up reads that fanned events out). */
    public long busLags() {
        return busLag.getCount();
    }

    /**
     * A gauge read when scraped: {@code value} must be cheap (a size, a sum over open connections), never a query. Each
     * name once per registry.
     */
    public void gauge(String name, String help, DoubleSupplier value) {
        GaugeWithCallback.builder()
                .name(name)
                .help(help)
                .callback(callback -> callback.call(value.getAsDouble()))
                .register(registry);
    }

    /** A gauge with one label, one value per label value, read when scraped. */
    public void gauge(String name, String help, String label, Map<String, DoubleSupplier> values) {
        Map<String, DoubleSupplier> copy = Map.copyOf(values);
        GaugeWithCallback.builder()
                .name(name)
                .help(help)
                .labelNames(label)
                .callback(callback -> copy.forEach((v, supplier) -> callback.call(supplier.getAsDouble(), v)))
                .register(registry);
    }
}
