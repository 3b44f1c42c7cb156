package io.jobpulse.metrics;

import io.prometheus.metrics.core.datapoints.CounterDataPoint;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.Map;

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
            Map.entry(
                    "jobpulse_retention_deleted_jobs",
                    "Ended jobs this node deleted past jobpulse.retention, with their events and idempotency keys"),
            Map.entry("jobpulse_retention_deleted_events", "Events deleted with the jobs past jobpulse.retention"),
            Map.entry(
                    "jobpulse_retention_compacted_events",
                    "Progress events of ended jobs deleted past jobpulse.retention.compact-after (the newest stays)"));

    private final PrometheusRegistry registry = new PrometheusRegistry();
    private final Map<Counter, CounterDataPoint> counters = new EnumMap<>(Counter.class);

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
}
