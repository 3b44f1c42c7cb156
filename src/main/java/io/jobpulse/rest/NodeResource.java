package io.jobpulse.rest;

import io.jobpulse.cluster.Cluster;
import io.jobpulse.config.JobPulseConfig;
import io.jobpulse.http.ApiProblem;
import io.jobpulse.json.JsonMaps;
import io.jobpulse.json.Jsonp;
import io.jobpulse.metrics.Counter;
import io.jobpulse.metrics.NodeMetrics;
import io.jobpulse.node.NodeGauges;
import io.jobpulse.websocket.OpenSessions;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.json.JsonObjectBuilder;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryUsage;
import java.util.concurrent.atomic.AtomicLong;

/**
 * {@code GET /api/node}: this node's heap, threads, open WebSocket connections and counters (docs/api.md), for
 * operators and the hostile-input tests. {@code ?gc=true} collects garbage first, at most once every 5 seconds, so
 * that the tests and the bench can compare heap figures; it is a test hook, refused with 403 unless
 * {@code jobpulse.test-hooks=true} (logged loudly at start), because it lets any API client stall the node.
 */
@Path("node")
@RequestScoped
@Authenticated
public class NodeResource {

    private static final long GC_INTERVAL_NANOS = 5_000_000_000L;
    private static final AtomicLong LAST_GC = new AtomicLong(System.nanoTime() - GC_INTERVAL_NANOS);

    @Inject
    JobPulseConfig config;

    @Inject
    NodeMetrics metrics;

    @Inject
    OpenSessions sessions;

    @Inject
    Cluster cluster;

    @Inject
    NodeGauges gauges;

    @GET
    @Produces(MediaType.APPLICATION_JSON)
    public String node(@QueryParam("gc") boolean gc) {
        if (gc && !config.testHooks()) {
            throw new ApiProblem(
                    403, "Forbidden", "gc=true is a test hook; this node runs with jobpulse.test-hooks off.");
        }
        boolean collected = gc && collectGarbage();
        MemoryUsage heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage();
        JsonObjectBuilder counters = Jsonp.PROVIDER.createObjectBuilder();
        for (Counter c : Counter.values()) {
            counters.add(c.key(), metrics.get(c));
        }
        counters.add("jobs-submitted", metrics.jobs().submittedTotal());
        counters.add("jobs-started", metrics.jobs().startedTotal());
        counters.add("jobs-finished", metrics.jobs().finishedTotal());
        NodeGauges.Values now = gauges.now();
        return JsonMaps.write(Jsonp.PROVIDER
                .createObjectBuilder()
                .add("node", config.nodeId())
                .add("heapUsedBytes", heap.getUsed())
                .add("heapMaxBytes", heap.getMax())
                .add("gc", collected)
                .add("threads", ManagementFactory.getThreadMXBean().getThreadCount())
                .add("webSocketConnections", sessions.size())
                .add("counters", counters)
                .add(
                        "gauges",
                        Jsonp.PROVIDER
                                .createObjectBuilder()
                                .add("jobsRunning", now.jobsRunning())
                                .add("jobsQueued", now.jobsQueued())
                                .add("nodeRuns", now.nodeRuns())
                                .add("webSocketConnections", now.webSocketConnections())
                                .add("sseConnections", now.sseConnections())
                                .add("pollWaits", now.pollWaits())
                                .add("subscriptions", now.subscriptions())
                                .add("outboxBytes", now.outboxBytes()))
                .add(
                        "bus",
                        Jsonp.PROVIDER
                                .createObjectBuilder()
                                .add("state", cluster.busState().name())
                                .add("reconnects", cluster.busReconnects()))
                .build());
    }

    private static boolean collectGarbage() {
        long last = LAST_GC.get();
        long now = System.nanoTime();
        if (now - last < GC_INTERVAL_NANOS || !LAST_GC.compareAndSet(last, now)) {
            return false;
        }
        System.gc();
        return true;
    }
}
