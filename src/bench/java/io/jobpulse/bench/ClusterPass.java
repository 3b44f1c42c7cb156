package io.jobpulse.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Issue 12's three cluster figures (docs/cluster.md), on two Tomcat nodes on one PostgreSQL (the integration tests'
 * embedded one, {@code io.jobpulse.it.StandalonePostgres}, as a process of its own):
 *
 * <ol>
 *   <li><b>cross-node fan-out</b>: one job, {@code bench.cluster-n} watchers split over both nodes; the receipt latency
 *       of the watchers on the node that does not run the job against those on the node that does (target: cross
 *       adds at most 50 ms at p99);
 *   <li><b>bus throughput</b>: {@code bench.cluster-jobs} jobs each reporting {@code bench.cluster-rate} times a second,
 *       claimed by both nodes, one watcher per job on alternate nodes; the age of each watcher's view (target: p99 at
 *       most 500 ms) and PostgreSQL's CPU per stored event;
 *   <li><b>failover</b>: {@code bench.failover-jobs} jobs running on node A, {@code bench.failover-n} watchers on A;
 *       A is killed: the time until every watcher is subscribed on B (target: under 10 s), until every job runs again
 *       (target: one lease + 5 s), gaps, and B's store reads for the resumes (about one per job).
 * </ol>
 */
final class ClusterPass {

    static final int POSTGRES_PORT = 5433;
    private static final int[] PORTS = {8091, 8092};
    private static final String TOKEN_SECRET = "bench-cluster-token-secret-0123456789abcdef";

    /** A node of the cluster: its HTTP port and the JOBPULSE_DB_* variables of server-config's DataSource. */
    record Node(int port) {
        Map<String, String> environment() {
            return Map.of(
                    "JOBPULSE_DB_HOST", "127.0.0.1",
                    "JOBPULSE_DB_PORT", Integer.toString(POSTGRES_PORT),
                    "JOBPULSE_DB_NAME", "postgres",
                    "JOBPULSE_DB_USER", "postgres",
                    "JOBPULSE_DB_PASSWORD", "unused-with-trust-auth");
        }
    }

    private final BenchMain bench;
    private final Map<String, String> props;
    private final Path out;
    private final String namespace;
    private final List<Map<String, Object>> results = new ArrayList<>();
    private long postmaster = -1;

    ClusterPass(BenchMain bench, Map<String, String> props, Path out, String namespace) {
        this.bench = bench;
        this.props = props;
        this.out = out;
        this.namespace = namespace;
    }

    private int setting(String key, int fallback) {
        return Integer.parseInt(
                props.getOrDefault(key, Integer.toString(fallback)).trim());
    }

    /** Runs the three measurements ({@code reps} of the fan-out, one of each other) and returns their results. */
    List<Map<String, Object>> run(String kind, int reps) throws Exception {
        if (!kind.equals("tomcat")) {
            throw new IllegalArgumentException("the cluster pass runs on Tomcat nodes, not " + kind
                    + " (the bus does not depend on the container; -Dbench.cluster=tomcat)");
        }
        int lease = setting("bench.cluster-lease-seconds", 10);
        int jobs = setting("bench.cluster-jobs", 1000);
        if (bench.remainingSeconds() < 420) {
            BenchMain.warn("time budget nearly spent: no cluster measurement (raise -Dbench.budget-minutes)");
            return results;
        }
        Optional<Long> pg = startPostgres();
        if (pg.isEmpty()) {
            return results;
        }
        postmaster = pg.get();
        // 1. fan-out: each node runs one job at a time, so the measured job waits QUEUED behind one blocker per node
        List<BenchMain.Target> nodes = startNodes(kind, lease, 1);
        if (nodes.isEmpty()) {
            return results;
        }
        int n = setting("bench.cluster-n", 10_000);
        fanOut(nodes, Math.min(n, 1000), 0); // the JIT warm-up of both fresh nodes, not recorded
        for (int rep = 1; rep <= reps && bench.remainingSeconds() > 240; rep++) {
            fanOut(nodes, n, rep);
        }
        bench.stop(nodes);
        // 2. bus throughput and 3. failover: room for every job on either node
        nodes = startNodes(kind, lease, jobs + 10);
        if (nodes.isEmpty()) {
            return results;
        }
        if (bench.remainingSeconds() > 180) {
            bus(nodes, jobs);
        }
        if (bench.remainingSeconds() > 150) {
            failover(kind, nodes, lease, jobs + 10);
        } else {
            BenchMain.warn("time budget nearly spent: no failover measurement (raise -Dbench.budget-minutes)");
        }
        return results;
    }

    /** Starts the embedded PostgreSQL the nodes use (port {@link #POSTGRES_PORT}); its pid, or empty (warned). */
    Optional<Long> startPostgres() throws Exception {
        String classpath = props.get("bench.postgres-classpath");
        if (classpath == null || classpath.isBlank()) {
            BenchMain.warn("SKIPPED the cluster pass: bench.postgres-classpath is not set (run through mvn -Pbench)");
            return Optional.empty();
        }
        Path data = out.resolve("cluster-pgdata");
        Process p = bench.start(
                "postgres",
                List.of(
                        BenchMain.javaBin(),
                        "-Xmx128m",
                        "-cp",
                        classpath,
                        "io.jobpulse.it.StandalonePostgres",
                        Integer.toString(POSTGRES_PORT),
                        data.toString()),
                Map.of());
        Path log = out.resolve("logs/postgres.log");
        long end = System.nanoTime() + 120_000_000_000L;
        while (System.nanoTime() < end && p.isAlive()) {
            for (String line : Files.exists(log) ? Files.readAllLines(log) : List.<String>of()) {
                if (line.startsWith("READY ")) {
                    BenchMain.log("PostgreSQL (embedded) ready on port " + POSTGRES_PORT);
                    return Optional.of(Long.parseLong(line.substring(6).trim()));
                }
            }
            Thread.sleep(200);
        }
        BenchMain.warn("SKIPPED the cluster pass: PostgreSQL did not start, see " + log);
        return Optional.empty();
    }

    private List<BenchMain.Target> startNodes(String kind, int lease, int maxRunning) throws Exception {
        List<BenchMain.Target> nodes = new ArrayList<>();
        for (int i = 0; i < PORTS.length; i++) {
            Optional<BenchMain.Target> t = startNode(kind, i, lease, maxRunning);
            if (t.isEmpty()) {
                bench.stop(nodes);
                return List.of();
            }
            nodes.add(t.get());
        }
        return nodes;
    }

    private Optional<BenchMain.Target> startNode(String kind, int index, int lease, int maxRunning) throws Exception {
        String label = "cluster-" + (char) ('a' + index);
        Map<String, String> settings = new LinkedHashMap<>();
        settings.put("jobpulse.node-id", label);
        settings.put("jobpulse.token-secret", TOKEN_SECRET);
        settings.put("jobpulse.lease", lease + "s");
        settings.put("jobpulse.max-running-jobs", Integer.toString(maxRunning));
        settings.put("jobpulse.progress-rate", Integer.toString(setting("bench.cluster-rate", 10)));
        settings.put("jobpulse.rest.submissions-per-minute", "1000000");
        settings.put("jobpulse.max-queued-jobs-per-client", "100000");
        int maxN = Math.max(setting("bench.cluster-n", 10_000), setting("bench.failover-n", 5000));
        return bench.startServer(kind, label, maxN, settings, new Node(PORTS[index]));
    }

    /** One job on whichever node claims it, N watchers alternating between the nodes; rep 0 is a warm-up. */
    private void fanOut(List<BenchMain.Target> nodes, int n, int rep) throws Exception {
        int steps = setting("bench.steps", 5);
        int interval = Math.max(250, n / 10);
        int maxSeconds = 120 + n / 200 + steps * interval / 1000;
        List<String> cmd = bench.clientCommand(maxSeconds);
        cmd.addAll(List.of(
                "target=jobpulse",
                "server=cluster",
                "ports=" + nodes.get(0).port() + "," + nodes.get(1).port(),
                "path=/jobpulse/ws",
                "n=" + n,
                "steps=" + steps,
                "intervalMs=" + interval,
                "serverPid=" + nodes.get(0).pid(),
                "benchPids=" + others(nodes.get(0), nodes),
                "apiKey=" + BenchMain.API_KEY,
                "sources=" + (1 + n / 8000),
                "inflight=256",
                "maxSeconds=" + maxSeconds,
                "rep=" + rep));
        runAndRecord(cmd, "client-cluster-fanout-" + (rep == 0 ? "warmup" : rep), maxSeconds, nodes.get(0), n, rep);
    }

    /** A warm-up run (rep 0, {@link BenchMain#warmUpSeconds}, not recorded), then the measured one. */
    private void bus(List<BenchMain.Target> nodes, int jobs) throws Exception {
        bus(nodes, jobs, 0, bench.warmUpSeconds());
        bus(nodes, jobs, 1, setting("bench.overload-seconds", 10));
    }

    private void bus(List<BenchMain.Target> nodes, int jobs, int rep, int window) throws Exception {
        int n = setting("bench.cluster-watchers", 1000);
        int rate = setting("bench.cluster-rate", 10);
        int maxSeconds = 150 + n / 100 + jobs / 10 + window;
        List<String> cmd = bench.clientCommand(maxSeconds);
        cmd.addAll(List.of(
                "target=jobpulse",
                "mode=cluster-bus",
                "server=cluster",
                "ports=" + nodes.get(0).port() + "," + nodes.get(1).port(),
                "path=/jobpulse/ws",
                "n=" + n,
                "jobs=" + jobs,
                "rate=" + rate,
                "windowSeconds=" + window,
                "serverPid=" + nodes.get(0).pid(),
                "benchPids=" + others(nodes.get(0), nodes),
                "dbPid=" + postmaster,
                "apiKey=" + BenchMain.API_KEY,
                "sources=" + (1 + n / 8000),
                "inflight=256",
                "maxSeconds=" + maxSeconds,
                "rep=" + rep));
        runAndRecord(cmd, "client-cluster-bus" + (rep == 0 ? "-warmup" : ""), maxSeconds, nodes.get(0), n, rep);
    }

    /** Runs one load client (its log {@code logs/<log>.log}) and records its result, unless it was a warm-up (rep 0). */
    private void runAndRecord(List<String> cmd, String log, int maxSeconds, BenchMain.Target t, int n, int rep)
            throws Exception {
        Map<String, Object> r =
                bench.runClient(cmd, out.resolve("logs/" + log + ".log"), maxSeconds, t, n, rep, namespace);
        if (rep > 0) {
            record(r);
        }
    }

    /**
     * Node B goes (a graceful stop), A alone claims every failover job, B comes back, the watchers connect to A, and
     * the load client kills A.
     */
    private void failover(String kind, List<BenchMain.Target> nodes, int lease, int maxRunning) throws Exception {
        int n = setting("bench.failover-n", 5000);
        int jobs = setting("bench.failover-jobs", 50);
        BenchMain.Target a = nodes.get(0);
        bench.stop(List.of(nodes.get(1)));
        List<String> lines = new ArrayList<>();
        List<String> ids = new ArrayList<>();
        for (int j = 0; j < jobs; j++) {
            Map<String, Object> job = Json.object(Http.request(
                    a.port(),
                    "POST",
                    "/jobpulse/api/jobs",
                    "{\"type\":\"steps\",\"params\":{\"count\":100000,\"intervalMs\":100},\"name\":\"failover-" + j
                            + "\"}",
                    BenchMain.API_KEY));
            ids.add(job.get("id").toString());
            lines.add(job.get("id") + " " + job.get("watchToken"));
        }
        awaitRunning(a, ids);
        Path jobsFile = out.resolve("failover-jobs.txt");
        Files.write(jobsFile, lines);
        Optional<BenchMain.Target> b = startNode(kind, 1, lease, maxRunning);
        if (b.isEmpty()) {
            return;
        }
        int maxSeconds = 240 + n / 100 + lease * 3;
        List<String> cmd = bench.clientCommand(maxSeconds);
        cmd.addAll(List.of(
                "target=jobpulse",
                "mode=failover",
                "server=cluster",
                "ports=" + a.port() + "," + b.get().port(),
                "path=/jobpulse/ws",
                "n=" + n,
                "jobsFile=" + jobsFile,
                "killPid=" + a.pid(),
                "leaseSeconds=" + lease,
                "serverPid=" + b.get().pid(),
                "benchPids=" + ProcessHandle.current().pid(),
                "apiKey=" + BenchMain.API_KEY,
                "sources=" + (1 + n / 8000),
                "inflight=256",
                "maxSeconds=" + maxSeconds,
                "rep=1"));
        record(bench.runClient(
                cmd, out.resolve("logs/client-cluster-failover.log"), maxSeconds, b.get(), n, 1, namespace));
    }

    private static void awaitRunning(BenchMain.Target node, List<String> ids) throws Exception {
        long end = System.nanoTime() + 60_000_000_000L;
        for (String id : ids) {
            while (!"RUNNING"
                    .equals(Json.object(Http.request(
                                    node.port(), "GET", "/jobpulse/api/jobs/" + id, null, BenchMain.API_KEY))
                            .get("state"))) {
                if (System.nanoTime() > end) {
                    throw new IllegalStateException("job " + id + " did not start on " + node.name() + " in 60 s");
                }
                Thread.sleep(100);
            }
        }
    }

    private static String others(BenchMain.Target measured, List<BenchMain.Target> all) {
        List<String> pids =
                new ArrayList<>(List.of(Long.toString(ProcessHandle.current().pid())));
        for (BenchMain.Target t : all) {
            if (t != measured) {
                pids.add(Long.toString(t.pid()));
            }
        }
        return String.join(",", pids);
    }

    private void record(Map<String, Object> r) throws Exception {
        results.add(r);
        bench.append(r);
    }
}
