package io.jobpulse.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * The benchmark driver ({@code mvn -Pbench verify}; docs/performance.md). Outside a private network namespace it
 * installs npm {@code ws} for the Node reference, then runs itself again inside {@code unshare -n} with only
 * {@code lo} up (or, where that is not allowed, in the shared namespace under the ITs' port lock, with a warning).
 * Inside, it starts JobPulse on each selected container with its {@code server-config/} plus the reference
 * broadcasters, runs one {@link LoadClient} per (repetition, N, server) in a rotating order, and writes
 * {@code results.jsonl}, {@code summary.md} and {@code chart.svg} ({@link Report}). Every child has a hard
 * {@code timeout} and is killed by PID at the end.
 *
 * <p>Settings (system properties): {@code bench.servers} (tomcat,payara,wildfly), {@code bench.references}
 * (raw,node), {@code bench.n} (1000,10000), {@code bench.reps} (3), {@code bench.steps} (5),
 * {@code bench.budget-minutes} (9.5), plus the paths the pom passes.
 */
public final class BenchMain {

    static final String API_KEY = "bench-secret";
    private static final String INNER = "JOBPULSE_BENCH_NAMESPACE";

    private final Map<String, String> props;
    private final Path out;
    private final Path logs;
    private final long deadlineNanos;
    private final List<Process> children = new ArrayList<>();

    private BenchMain(Map<String, String> props) {
        this.props = props;
        this.out = Path.of(props.get("bench.out"));
        this.logs = out.resolve("logs");
        double minutes = Double.parseDouble(props.getOrDefault("bench.budget-minutes", "9.5"));
        this.deadlineNanos = System.nanoTime() + (long) (minutes * 60e9);
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> props = new LinkedHashMap<>();
        System.getProperties().stringPropertyNames().stream()
                .filter(k -> k.startsWith("bench."))
                .forEach(k -> props.put(k, System.getProperty(k)));
        BenchMain bench = new BenchMain(props);
        String inner = System.getenv(INNER);
        int code = inner == null ? bench.outer() : bench.inner(inner);
        System.exit(code);
    }

    // ------------------------------------------------------------------------------------------- outside the netns

    private int outer() throws Exception {
        Files.createDirectories(logs);
        keepEarlierRun();
        installNodeWs();
        List<String> self =
                new ArrayList<>(List.of(javaBin(), "-Xmx256m", "-cp", System.getProperty("java.class.path")));
        props.forEach((k, v) -> self.add("-D" + k + "=" + v));
        self.add(BenchMain.class.getName());
        long budget = (long) (Double.parseDouble(props.getOrDefault("bench.budget-minutes", "9.5")) * 60) + 60;
        List<String> command = new ArrayList<>(List.of("timeout", "-k", "10", Long.toString(budget)));
        String namespace;
        if (run(List.of("unshare", "-n", "true"), 10) == 0
                && run(List.of("unshare", "-n", "ip", "link", "set", "lo", "up"), 10) == 0) {
            namespace = "netns";
            command.addAll(List.of("unshare", "-n", "--", "sh", "-c", "ip link set lo up && exec \"$0\" \"$@\""));
        } else {
            namespace = "shared";
            warn("unshare -n is not allowed here: running in the shared network namespace on 127.0.0.1, holding "
                    + "/tmp/jobpulse-it.lock so that no integration test uses the same ports meanwhile; other "
                    + "processes' traffic on this machine is noise in the results");
            command.addAll(List.of("flock", "/tmp/jobpulse-it.lock"));
        }
        command.addAll(self);
        ProcessBuilder pb = new ProcessBuilder(command).inheritIO();
        pb.environment().put(INNER, namespace);
        Process p = pb.start();
        Runtime.getRuntime().addShutdownHook(new Thread(() -> kill(p)));
        return p.waitFor();
    }

    /** npm {@code ws} 8 into target/bench/node, before the network goes away; a visible skip without node or npm. */
    private void installNodeWs() {
        if (!references().contains("node")) {
            return;
        }
        Path dir = out.resolve("node");
        if (Files.isDirectory(dir.resolve("node_modules/ws"))) {
            return;
        }
        try {
            Files.createDirectories(dir);
            int code = run(
                    List.of(
                            "npm",
                            "install",
                            "--no-audit",
                            "--no-fund",
                            "--no-save",
                            "--prefix",
                            dir.toString(),
                            "ws@8"),
                    180);
            if (code != 0) {
                warn("SKIPPED the Node ws reference: npm install ws@8 failed (exit " + code + ")");
            }
        } catch (IOException e) {
            warn("SKIPPED the Node ws reference: " + e.getMessage() + " (are node and npm installed?)");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    // -------------------------------------------------------------------------------------------- inside the netns

    private int inner(String namespace) throws Exception {
        Runtime.getRuntime().addShutdownHook(new Thread(this::stopAll));
        Files.createDirectories(logs);
        Instant started = Instant.now();
        long fileLimit = Proc.openFileLimit();
        List<Integer> ns = new ArrayList<>();
        for (String s : props.getOrDefault("bench.n", "1000,10000").split(",")) {
            int n = Integer.parseInt(s.trim());
            long cap = fileLimit - 500;
            if (n > cap) {
                warn("N=" + n + " is above this machine's open-file limit (" + fileLimit + " per process) minus 500: "
                        + "measuring N=" + cap + " instead");
                n = (int) cap;
            }
            ns.add(n);
        }
        int reps = Integer.parseInt(props.getOrDefault("bench.reps", "3"));
        int steps = Integer.parseInt(props.getOrDefault("bench.steps", "5"));
        int maxN = ns.stream().mapToInt(Integer::intValue).max().orElse(1000);
        log("network namespace: " + namespace + "; N " + ns + "; " + reps + " repetitions; " + steps
                + " steps per job; " + "open-file limit " + fileLimit);

        List<Target> targets = new ArrayList<>();
        try {
            for (String r : references()) {
                startReference(r).ifPresent(targets::add);
            }
            for (String s : servers()) {
                Optional<Target> t = startServer(s, maxN, Map.of());
                t.ifPresent(targets::add);
            }
            if (targets.stream().noneMatch(t -> t.name.equals("raw"))) {
                warn("no raw reference: ratios are not computed");
            }
            // JIT warm-up, not recorded: without it the first repetition measures the compilers (C2 took 1-7 s of
            // CPU per server in the first measurements)
            for (Target t : targets) {
                Map<String, Object> w = measureOnce(t, Math.min(1000, ns.get(ns.size() - 1)), 0, 2, targets, namespace);
                if (w.containsKey("error")) {
                    warn("warm-up of " + t.name + " failed: " + w.get("error"));
                }
            }
            // largest N first, so that each server's first recorded measurement starts from a process that has not
            // yet held many connections: only that one says how much resident memory they take (see Report)
            ns.sort(java.util.Comparator.reverseOrder());
            java.util.Set<String> measuredOnce = new java.util.HashSet<>();
            List<Map<String, Object>> results = new ArrayList<>();
            measure:
            for (int rep = 1; rep <= reps; rep++) {
                for (int n : ns) {
                    List<Target> order = new ArrayList<>(targets);
                    java.util.Collections.rotate(order, -(rep - 1 + ns.indexOf(n)));
                    for (Target t : order) {
                        if (remainingSeconds() - clusterReserveSeconds() < estimateSeconds(t, n, steps)) {
                            warn("time budget nearly spent: stopping before " + t.name + " N=" + n + " repetition "
                                    + rep + " (raise -Dbench.budget-minutes or lower -Dbench.n / -Dbench.reps)");
                            break measure;
                        }
                        Map<String, Object> r = measureOnce(t, n, rep, steps, targets, namespace);
                        r.put("rssFresh", measuredOnce.add(t.name));
                        results.add(r);
                        append(r);
                    }
                }
            }
            if (Boolean.parseBoolean(props.getOrDefault("bench.overload", "false"))) {
                stopAll();
                for (String s : servers()) {
                    overloadPass(s, reps, results, namespace);
                }
            }
            String reportsOn = props.getOrDefault("bench.reports", "tomcat").trim();
            if (!reportsOn.isEmpty() && !reportsOn.equals("none")) {
                stopAll();
                for (String s : reportsOn.split(",")) {
                    reportsPass(
                            s.trim(),
                            Integer.parseInt(props.getOrDefault("bench.reports-reps", "1")),
                            results,
                            namespace);
                }
            }
            String cluster = props.getOrDefault("bench.cluster", "tomcat").trim();
            if (!cluster.isEmpty() && !cluster.equals("none")) {
                stopAll();
                results.addAll(new ClusterPass(this, props, out, namespace).run(cluster, reps));
            }
            if (RetentionPass.selected(props)) {
                stopAll();
                new RetentionPass(this, props, out).run();
            }
            Map<String, Object> machine = machine(namespace, started, fileLimit, targets);
            new Report(results, machine).write(out);
            log("wrote " + out.resolve("results.jsonl") + ", " + out.resolve("summary.md") + " and "
                    + out.resolve("chart.svg") + " in "
                    + Duration.between(started, Instant.now()).toSeconds() + " s");
            return 0;
        } finally {
            stopAll();
        }
    }

    /**
     * The overload workload on one container, started afresh with room for {@code bench.overload-jobs} running jobs
     * (the fan-out measurements run one job at a time): {@code reps} measurements, each with its own jobs, then stop.
     */
    private void overloadPass(String name, int reps, List<Map<String, Object>> results, String namespace)
            throws Exception {
        int n = Integer.parseInt(props.getOrDefault("bench.overload-n", "10000"));
        int jobs = Integer.parseInt(props.getOrDefault("bench.overload-jobs", "1000"));
        int rate = Integer.parseInt(props.getOrDefault("bench.overload-rate", "20"));
        int window = Integer.parseInt(props.getOrDefault("bench.overload-seconds", "10"));
        List<int[]> runs = new ArrayList<>();
        for (int rep = 1; rep <= reps; rep++) {
            runs.add(new int[] {rep, rate});
        }
        loadPass(name, "overload", List.of("overload"), runs, n, jobs, window, Map.of(), null, results, namespace);
    }

    /**
     * The reports workload of issue 13 on one container: {@code bench.reports-jobs} (1 000) external jobs, each
     * reported {@code rate} times a second over REST by a worker of the load client ({@link Reporters}), and as many
     * watchers; beside it, in the same server process, the same number of handlers' jobs at the same rate (the
     * overload workload), so that the two compare. The rates: {@code bench.reports-rates} (10, the target, then
     * 20 and 40 per job, to find where reports saturate), each repeated {@code reps} ({@code bench.reports-reps}, 1)
     * times. {@code bench.reports} names the containers ({@code tomcat}; {@code none}: no reports pass).
     */
    /** The HTTP port of the server of the reports pass on PostgreSQL (its default one on H2). */
    static final int REPORTS_POSTGRES_PORT = 8081;

    /**
     * The window of the warm-up run a server gets, per load mode, before its measured runs of the overload, reports and
     * cluster bus passes. Each of those starts its servers afresh; without a warm-up the first run measured C2 compiling
     * (7-11 % of the machine in the cluster bus pass's profile) and the first rate came out slower than the second.
     */
    static final int WARM_UP_WINDOW_SECONDS = 5;

    /** The warm-up window: {@code bench.warm-up-seconds}, else {@link #WARM_UP_WINDOW_SECONDS}. */
    int warmUpSeconds() {
        return Integer.parseInt(props.getOrDefault("bench.warm-up-seconds", Integer.toString(WARM_UP_WINDOW_SECONDS)));
    }

    void reportsPass(String name, int reps, List<Map<String, Object>> results, String namespace) throws Exception {
        int jobs = Integer.parseInt(props.getOrDefault("bench.reports-jobs", "1000"));
        int n = Integer.parseInt(props.getOrDefault("bench.reports-n", Integer.toString(jobs)));
        int window = Integer.parseInt(props.getOrDefault("bench.reports-seconds", "10"));
        List<int[]> runs = new ArrayList<>();
        for (String rate : props.getOrDefault("bench.reports-rates", "10,20,40").split(",")) {
            for (int rep = 1; rep <= reps; rep++) {
                runs.add(new int[] {rep, Integer.parseInt(rate.trim())});
            }
        }
        for (String store :
                props.getOrDefault("bench.reports-stores", "h2,postgres").split(",")) {
            ClusterPass.Node node = null;
            if (store.trim().equals("postgres")) {
                if (new ClusterPass(this, props, out, namespace).startPostgres().isEmpty()) {
                    continue;
                }
                node = new ClusterPass.Node(REPORTS_POSTGRES_PORT);
            }
            loadPass(
                    name,
                    "reports",
                    List.of("overload", "reports"),
                    runs,
                    n,
                    jobs,
                    window,
                    Map.of("jobpulse.external.reports-per-second", "1000"),
                    node,
                    results,
                    namespace);
            if (node != null) {
                stopAll(); // the database too: the cluster pass starts its own on the same port
            }
        }
    }

    /**
     * One container started afresh with room for {@code jobs} running jobs (the fan-out measurements run one job at a
     * time), then for each run ({@code {rep, rate}}) one load client per mode, each with its own jobs; then stop. The
     * results carry {@code pass}.
     */
    private void loadPass(
            String name,
            String pass,
            List<String> modes,
            List<int[]> runs,
            int n,
            int jobs,
            int window,
            Map<String, String> settings,
            ClusterPass.Node node,
            List<Map<String, Object>> results,
            String namespace)
            throws Exception {
        int maxSeconds = 150 + n / 100 + jobs / 10 + window;
        if (remainingSeconds() < maxSeconds + 120) {
            warn("time budget nearly spent: no " + pass + " measurement on " + name
                    + " (raise -Dbench.budget-minutes)");
            return;
        }
        int maxRate = runs.stream().mapToInt(r -> r[1]).max().orElse(1);
        Map<String, String> all = new java.util.HashMap<>(Map.of(
                "jobpulse.max-running-jobs", Integer.toString(jobs + 1),
                "jobpulse.progress-rate", Integer.toString(maxRate),
                "jobpulse.rest.submissions-per-minute", "1000000",
                "jobpulse.max-queued-jobs-per-client", Integer.toString(jobs * (runs.size() * modes.size() + 1) + 10),
                "jobpulse.data-dir", out.resolve("data-" + name + "-" + pass).toString()));
        all.putAll(settings);
        int before = children.size();
        Optional<Target> started =
                node == null ? startServer(name, n, all) : startServer(name, name + "-postgres", n, all, node);
        if (started.isEmpty()) {
            return;
        }
        Target t = started.get();
        List<int[]> warmUpFirst = new ArrayList<>();
        warmUpFirst.add(new int[] {0, runs.get(0)[1]});
        warmUpFirst.addAll(runs);
        try {
            for (int[] run : warmUpFirst) {
                for (String mode : modes) {
                    if (remainingSeconds() <= maxSeconds + 30) {
                        warn("time budget nearly spent: stopping the " + pass + " pass on " + name);
                        return;
                    }
                    int rep = run[0]; // 0: the JIT warm-up, at the first rate, not recorded
                    int rate = run[1];
                    List<String> cmd = clientCommand(maxSeconds);
                    cmd.addAll(List.of(
                            "target=jobpulse",
                            "mode=" + mode,
                            "server=" + t.name,
                            "port=" + t.port,
                            "path=/jobpulse/ws",
                            "n=" + n,
                            "jobs=" + jobs,
                            "rate=" + rate,
                            "windowSeconds=" + (rep == 0 ? warmUpSeconds() : window),
                            "settleSeconds=" + props.getOrDefault("bench.settle-seconds", "2"),
                            "serverPid=" + t.pid,
                            "benchPids=" + ProcessHandle.current().pid(),
                            "apiKey=" + API_KEY,
                            "sources=" + (1 + n / 8000),
                            "inflight=256",
                            "maxSeconds=" + maxSeconds,
                            "rep=" + rep));
                    Map<String, Object> r = runClient(
                            cmd,
                            logs.resolve("client-" + t.name + "-" + pass + "-" + mode + "-" + rate + "-"
                                    + (rep == 0 ? "warmup" : rep) + ".log"),
                            maxSeconds,
                            t,
                            n,
                            rep,
                            namespace);
                    if (rep == 0) {
                        log(t.name + " " + pass + " " + mode + " " + rate + "/s: warm-up done, not recorded");
                        continue;
                    }
                    r.put("pass", pass);
                    r.put("store", node == null ? "h2" : "postgres");
                    r.put("server", name); // not the label of the server's folders
                    // the embedded H2's file after the run: how much the workload made it grow
                    if (node == null) {
                        r.put("dataDirBytes", bytesUnder(Path.of(all.get("jobpulse.data-dir"))));
                        log(t.name + " " + pass + " " + mode + " " + rate + "/s: H2 files " + r.get("dataDirBytes")
                                + " bytes");
                    }
                    results.add(r);
                    append(r);
                }
            }
        } finally {
            List<Process> mine = new ArrayList<>(children.subList(before, children.size()));
            children.removeAll(mine);
            mine.forEach(BenchMain::kill);
        }
    }

    private Map<String, Object> measureOnce(Target t, int n, int rep, int steps, List<Target> all, String namespace)
            throws Exception {
        int interval = Math.max(250, n / 10);
        boolean storm = rep > 0 && Boolean.parseBoolean(props.getOrDefault("bench.storm", "false"));
        int maxSeconds = 90 + n / 200 * (storm ? 2 : 1) + steps * interval / 1000;
        List<String> bench = new ArrayList<>();
        bench.add(Long.toString(ProcessHandle.current().pid()));
        for (Target other : all) {
            if (other != t) {
                bench.add(Long.toString(other.pid));
            }
        }
        List<String> cmd = clientCommand(maxSeconds);
        cmd.addAll(List.of(
                "target=" + (t.jobpulse ? "jobpulse" : "reference"),
                "server=" + t.name,
                "port=" + t.port,
                "path=" + (t.jobpulse ? "/jobpulse/ws" : "/ws"),
                "n=" + n,
                "steps=" + steps,
                "intervalMs=" + interval,
                "serverPid=" + t.pid,
                "benchPids=" + String.join(",", bench),
                "apiKey=" + API_KEY,
                "sources=" + (1 + n / 8000),
                "inflight=256",
                "maxSeconds=" + maxSeconds,
                "rep=" + rep,
                "storm=" + storm));
        // jcmd attaches with SIGQUIT, which ends a Node process: JVMs only
        if (rep == 1 && !t.name.equals("node")) {
            cmd.add("histogram=" + logs.resolve("histogram-" + t.name + "-" + n + ".txt"));
        }
        Path log = logs.resolve("client-" + t.name + "-" + n + "-" + (rep == 0 ? "warmup" : rep) + ".log");
        return runClient(cmd, log, maxSeconds, t, n, rep, namespace);
    }

    /** Runs one load client to its end (or kills it) and reads its one JSON line. */
    Map<String, Object> runClient(
            List<String> cmd, Path log, int maxSeconds, Target t, int n, int rep, String namespace) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile());
        Process p = pb.start();
        children.add(p);
        boolean ended = p.waitFor(maxSeconds + 30L, TimeUnit.SECONDS);
        kill(p);
        children.remove(p);
        List<String> lines = Files.readAllLines(log);
        Map<String, Object> r = new LinkedHashMap<>();
        for (int i = lines.size() - 1; i >= 0; i--) {
            if (lines.get(i).startsWith("{")) {
                r = Json.object(lines.get(i));
                break;
            }
        }
        if (r.isEmpty() || r.containsKey("error") || !ended) {
            r.put("server", t.name);
            r.put("n", n);
            r.put("rep", rep);
            r.putIfAbsent(
                    "error",
                    "the load client ended without a result (exit " + (ended ? p.exitValue() : "timeout") + "), see "
                            + log);
        }
        r.put("version", t.version);
        r.put("namespace", namespace);
        log(
                ClusterTable.isCluster(r) && rep > 0
                        ? ClusterTable.oneLine(r)
                        : String.format(
                                "%s N=%-6d %-8s %s", rep == 0 ? "warm-up" : "rep " + rep, n, t.name, oneLine(r)));
        return r;
    }

    private static String oneLine(Map<String, Object> r) {
        if (r.containsKey("error") && !r.containsKey("connected")) {
            return "ERROR " + r.get("error");
        }
        return "connected " + r.get("connected") + "/" + r.get("n") + " (failed " + r.get("failed") + ", dropped "
                + r.get("dropped") + "), heap/conn " + fmt(r.get("heapPerConnection")) + " B, rss/conn "
                + fmt(r.get("rssPerConnection")) + " B, connect " + fmt(r.get("connectPerSecond")) + "/s, deliveries "
                + fmt(r.get("deliveriesPerSecond")) + "/s, cpu " + fmt(r.get("serverCpuMicrosPerDelivery"))
                + " us/delivery, p50/p99/max " + fmt(r.get("latencyP50Ms")) + "/" + fmt(r.get("latencyP99Ms")) + "/"
                + fmt(r.get("latencyMaxMs")) + " ms, foreign cpu " + fmt(r.get("eventsForeignCpuSeconds")) + " s"
                + (r.containsKey("error") ? " ERROR " + r.get("error") : "");
    }

    private static String fmt(Object o) {
        return o instanceof Number d
                ? (d.doubleValue() >= 100 || d.doubleValue() == Math.rint(d.doubleValue())
                        ? Long.toString(Math.round(d.doubleValue()))
                        : String.format(java.util.Locale.ROOT, "%.1f", d.doubleValue()))
                : String.valueOf(o);
    }

    /**
     * The time the fan-out leaves for the reports, cluster and retention passes (about what they take on this 2-core
     * machine, plus slack): 50 s per load client of the reports pass, 420 s for the cluster pass, 300 s for retention.
     */
    private double clusterReserveSeconds() {
        String cluster = props.getOrDefault("bench.cluster", "tomcat").trim();
        String reports = props.getOrDefault("bench.reports", "tomcat").trim();
        double reserve = (cluster.isEmpty() || cluster.equals("none") ? 0 : 420)
                + (RetentionPass.selected(props) ? RetentionPass.RESERVE_SECONDS : 0);
        if (!reports.isEmpty() && !reports.equals("none")) {
            int rates = props.getOrDefault("bench.reports-rates", "10,20,40").split(",").length;
            int reps = Integer.parseInt(props.getOrDefault("bench.reports-reps", "1"));
            reserve += reports.split(",").length * (rates * reps + 1) * 2 * 50; // + 1: the warm-up
        }
        return reserve;
    }

    double remainingSeconds() {
        return (deadlineNanos - System.nanoTime()) / 1e9;
    }

    /** A generous guess of one measurement's length, so that the run ends inside its budget. */
    private double estimateSeconds(Target t, int n, int steps) {
        double connectRate = t.jobpulse ? 600 : 3000;
        int connects = Boolean.parseBoolean(props.getOrDefault("bench.storm", "false")) ? 2 : 1;
        return 8 + connects * n / connectRate + (t.jobpulse ? 6 : 1) + steps * Math.max(250, n / 10) / 1000.0 + 10;
    }

    // ---------------------------------------------------------------------------------------------------- targets

    /** One server under measurement: its name, port, the PID of its JVM (or node), whether it is JobPulse. */
    record Target(String name, int port, long pid, boolean jobpulse, String version, Process process) {}

    private Optional<Target> startReference(String name) throws Exception {
        if (name.equals("raw")) {
            Process p = start(
                    "raw",
                    List.of(
                            javaBin(),
                            "-Xms64m",
                            "-Xmx3g",
                            "-cp",
                            System.getProperty("java.class.path"),
                            RawBroadcaster.class.getName(),
                            "9001"),
                    Map.of());
            awaitHttp(p, 9001, "/ctl/stats", null, 30);
            return Optional.of(
                    new Target("raw", 9001, pidOf(p, "java"), false, "Java " + System.getProperty("java.version"), p));
        }
        if (name.equals("node")) {
            Path modules = out.resolve("node/node_modules");
            if (!Files.isDirectory(modules.resolve("ws"))) {
                warn("SKIPPED the Node ws reference: npm ws is not installed in " + modules);
                return Optional.empty();
            }
            String script = Path.of(props.get("bench.basedir"), "src/bench/node/broadcaster.js")
                    .toString();
            Process p = start(
                    "node", List.of("node", "--expose-gc", script, "9002"), Map.of("NODE_PATH", modules.toString()));
            awaitHttp(p, 9002, "/ctl/stats", null, 30);
            String wsVersion = Json.object(Files.readString(modules.resolve("ws/package.json")))
                    .get("version")
                    .toString();
            return Optional.of(new Target(
                    "node",
                    9002,
                    pidOf(p, "node"),
                    false,
                    "Node " + capture(List.of("node", "--version")).trim() + ", ws " + wsVersion,
                    p));
        }
        throw new IllegalArgumentException("unknown reference " + name + " (raw, node)");
    }

    private Optional<Target> startServer(String name, int maxN, Map<String, String> overrides) throws Exception {
        return startServer(name, name, maxN, overrides, null);
    }

    /**
     * Starts JobPulse on a container with its server-config/. {@code node}: a node on the cluster pass' PostgreSQL
     * (Tomcat: its PostgreSQL context from server-config/ and the driver in lib/; WildFly, for the reports pass:
     * server-config/'s postgresql.cli with the driver), or null for the single-node default (embedded H2).
     */
    Optional<Target> startServer(
            String name, String label, int maxN, Map<String, String> overrides, ClusterPass.Node node)
            throws Exception {
        Path basedir = Path.of(props.get("bench.basedir"));
        Path config = basedir.resolve("server-config").resolve(name);
        Map<String, String> jobpulse = new LinkedHashMap<>();
        jobpulse.put("jobpulse.api-keys", "bench:" + API_KEY);
        jobpulse.put("jobpulse.max-running-jobs", "1");
        jobpulse.put("jobpulse.data-dir", out.resolve("data-" + label).toString());
        jobpulse.put("jobpulse.ws.idle-timeout", "15m");
        // a storm's new connections may arrive before the server has seen the old ones go
        jobpulse.put("jobpulse.ws.max-connections-per-client", "50000");
        // LoadClient reads heap figures after GET /api/node?gc=true, a test hook the server refuses unless asked
        jobpulse.put("jobpulse.test-hooks", "true");
        jobpulse.putAll(overrides);
        if (node == null) { // each pass on an empty embedded H2: a file left by an earlier run would only grow
            fresh(Path.of(jobpulse.get("jobpulse.data-dir")));
        }
        String settings = jobpulse.entrySet().stream()
                .map(e -> "-D" + e.getKey() + "=" + e.getValue())
                .collect(java.util.stream.Collectors.joining(" "));
        // e.g. -Dbench.server-opts=-XX:StartFlightRecording=filename=/tmp/x.jfr to profile (no spaces inside an option)
        String extra = props.getOrDefault("bench.server-opts", "").trim();
        if (!extra.isEmpty()) {
            settings += " " + extra;
        }
        String heap = "-Xmx" + props.getOrDefault("bench.heap", "3g");
        String javaHome = serverJavaHome();
        long t0 = System.nanoTime();
        Process p;
        int port;
        String version;
        switch (name) {
            case "tomcat" -> {
                port = node == null ? 8081 : node.port();
                Path home = Path.of(props.get("bench.tomcat-home"));
                version = "Tomcat " + props.get("bench.tomcat-version");
                executable(home.resolve("bin"));
                Path base = fresh(out.resolve(node == null ? "tomcat-base" : label + "-base"));
                copyTree(home.resolve("conf"), base.resolve("conf"));
                Files.copy(
                        config.resolve("server.xml"),
                        base.resolve("conf/server.xml"),
                        StandardCopyOption.REPLACE_EXISTING);
                Files.copy(
                        config.resolve("context.xml"),
                        base.resolve("conf/context.xml"),
                        StandardCopyOption.REPLACE_EXISTING);
                Files.writeString(
                        base.resolve("conf/catalina.properties"),
                        "\ntomcat.http.port=" + port + "\ntomcat.shutdown.port=-1\n",
                        StandardOpenOption.APPEND);
                for (String d : List.of("bin", "logs", "temp", "work", "webapps")) {
                    Files.createDirectories(base.resolve(d));
                }
                Files.copy(config.resolve("setenv.sh"), base.resolve("bin/setenv.sh"));
                Files.copy(Path.of(props.get("bench.tomcat-war")), base.resolve("webapps/jobpulse.war"));
                Map<String, String> env = new LinkedHashMap<>(Map.of(
                        "CATALINA_HOME",
                        home.toString(),
                        "CATALINA_BASE",
                        base.toString(),
                        "JAVA_HOME",
                        javaHome,
                        "JOBPULSE_HEAP",
                        heap,
                        "JOBPULSE_OPTS",
                        settings));
                if (node != null) {
                    // as server-config/tomcat/README.md tells an operator: the context with the DataSource, the driver
                    Files.createDirectories(base.resolve("conf/Catalina/localhost"));
                    Files.copy(
                            config.resolve("jobpulse-postgresql.xml"),
                            base.resolve("conf/Catalina/localhost/jobpulse.xml"));
                    Path driver = Path.of(props.get("bench.postgresql-jar"));
                    Files.createDirectories(base.resolve("lib"));
                    Files.copy(driver, base.resolve("lib").resolve(driver.getFileName()));
                    env.putAll(node.environment());
                }
                p = start(label, List.of(home.resolve("bin/catalina.sh").toString(), "run"), env);
            }
            case "payara" -> {
                requireSingleNode(name, node);
                port = 8082;
                version = "Payara Micro " + props.get("bench.payara-version");
                List<String> cmd =
                        new ArrayList<>(List.of(Path.of(javaHome, "bin", "java").toString(), heap));
                cmd.addAll(Arrays.asList(settings.trim().split(" ")));
                cmd.addAll(List.of(
                        "-jar",
                        props.get("bench.payara-jar"),
                        "--deploy",
                        props.get("bench.war"),
                        "--contextroot",
                        "jobpulse",
                        "--port",
                        Integer.toString(port),
                        "--nocluster",
                        "--prebootcommandfile",
                        config.resolve("pre-boot-commands.asadmin").toString(),
                        "--postbootcommandfile",
                        config.resolve("post-boot-commands.asadmin").toString()));
                p = start("payara", cmd, Map.of());
            }
            case "wildfly" -> {
                port = 8083;
                Path home = Path.of(props.get("bench.wildfly-home"));
                version = "WildFly " + props.get("bench.wildfly-version");
                executable(home.resolve("bin"));
                Path base = fresh(out.resolve("wildfly-base"));
                copyTree(home.resolve("standalone/configuration"), base.resolve("configuration"));
                Files.createDirectories(base.resolve("deployments"));
                Map<String, String> env =
                        Map.of("JBOSS_HOME", home.toString(), "JAVA_HOME", javaHome, "NOPAUSE", "true");
                String cli = home.resolve("bin/jboss-cli.sh").toString();
                String baseDir = "-Djboss.server.base.dir=" + base;
                if (run(List.of(cli, baseDir, "--file=" + config.resolve("jobpulse.cli")), env, 180) != 0) {
                    throw new IllegalStateException("server-config/wildfly/jobpulse.cli failed, see " + logs);
                }
                // the bench's one override: jobpulse.cli caps the listener at 10 000 connections
                Path benchCli = out.resolve("wildfly-bench.cli");
                Files.writeString(
                        benchCli,
                        "embed-server --std-out=discard --server-config=standalone.xml\n"
                                + "/subsystem=undertow/server=default-server/http-listener=default:write-attribute(name=max-connections,value="
                                + Math.max(10_000, maxN + 100) + ")\nstop-embedded-server\n");
                if (run(List.of(cli, baseDir, "--file=" + benchCli), env, 120) != 0) {
                    throw new IllegalStateException("the bench's WildFly override failed, see " + logs);
                }
                if (node != null) {
                    // as server-config/wildfly/README.md tells an operator: the driver and the DataSource
                    String driver = "-Djobpulse.postgresql-jar=" + props.get("bench.postgresql-jar");
                    if (run(List.of(cli, baseDir, driver, "--file=" + config.resolve("postgresql.cli")), env, 180)
                            != 0) {
                        throw new IllegalStateException("server-config/wildfly/postgresql.cli failed, see " + logs);
                    }
                }
                Files.copy(Path.of(props.get("bench.war")), base.resolve("deployments/jobpulse.war"));
                Map<String, String> runEnv = new LinkedHashMap<>(env);
                if (node != null) {
                    runEnv.putAll(node.environment());
                }
                runEnv.put(
                        "JAVA_OPTS",
                        "-Xms64m " + heap + " -XX:MetaspaceSize=96M -XX:MaxMetaspaceSize=256m "
                                + "-Djava.net.preferIPv4Stack=true -Djboss.modules.system.pkgs=org.jboss.byteman -Djava.awt.headless=true");
                List<String> cmd = new ArrayList<>(List.of(
                        home.resolve("bin/standalone.sh").toString(),
                        baseDir,
                        "-Djboss.socket.binding.port-offset=3",
                        "-b",
                        "127.0.0.1"));
                cmd.addAll(Arrays.asList(settings.trim().split(" ")));
                p = start("wildfly", cmd, runEnv);
            }
            default -> throw new IllegalArgumentException("unknown server " + name + " (tomcat, payara, wildfly)");
        }
        try {
            awaitHttp(p, port, "/jobpulse/api/node", API_KEY, 300);
        } catch (IllegalStateException e) {
            warn("SKIPPED " + name + ": " + e.getMessage());
            kill(p);
            return Optional.empty();
        }
        version += " on Java " + javaVersion(javaHome);
        if (name.equals("tomcat") && List.of(extra.split("\\s+")).contains("-Dtomcat.virtual-threads=true")) {
            version += ", virtual threads"; // server.xml's useVirtualThreads
        }
        log(label + " (" + version + ") ready in " + Math.round((System.nanoTime() - t0) / 1e9) + " s");
        return Optional.of(new Target(label, port, pidOf(p, "java"), true, version, p));
    }

    private static void requireSingleNode(String name, ClusterPass.Node node) {
        if (node != null) {
            throw new IllegalArgumentException("JobPulse on PostgreSQL runs on Tomcat or WildFly in the bench, not "
                    + name + " (-Dbench.reports-stores=h2 for " + name + ")");
        }
    }

    // ---------------------------------------------------------------------------------------------------- processes

    Process start(String name, List<String> command, Map<String, String> env) throws IOException {
        long hardLimit = (long) Math.max(60, remainingSeconds() + 30);
        List<String> cmd = new ArrayList<>(List.of("timeout", "-k", "10", Long.toString(hardLimit)));
        cmd.addAll(command);
        ProcessBuilder pb = new ProcessBuilder(cmd)
                .redirectErrorStream(true)
                .redirectOutput(logs.resolve(name + ".log").toFile());
        pb.environment().putAll(env);
        Process p = pb.start();
        children.add(p);
        return p;
    }

    private int run(List<String> command, int seconds) throws IOException, InterruptedException {
        return run(command, Map.of(), seconds);
    }

    private int run(List<String> command, Map<String, String> env, int seconds)
            throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
        if (Files.isDirectory(logs)) {
            pb.redirectOutput(ProcessBuilder.Redirect.appendTo(
                    logs.resolve("commands.log").toFile()));
        } else {
            pb.redirectOutput(ProcessBuilder.Redirect.DISCARD);
        }
        pb.environment().putAll(env);
        Process p = pb.start();
        if (!p.waitFor(seconds, TimeUnit.SECONDS)) {
            kill(p);
            return -1;
        }
        return p.exitValue();
    }

    private static String capture(List<String> command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String text = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(10, TimeUnit.SECONDS)) {
            kill(p);
        }
        return text;
    }

    /** Waits for a 2xx answer; the process dying or the time running out throws. */
    private void awaitHttp(Process p, int port, String target, String apiKey, int seconds) throws InterruptedException {
        long end = System.nanoTime() + seconds * 1_000_000_000L;
        String last = "";
        while (System.nanoTime() < end) {
            if (!p.isAlive()) {
                throw new IllegalStateException("it exited (" + p.exitValue() + ") before it served " + target);
            }
            try {
                Http.request(port, "GET", target, null, apiKey);
                return;
            } catch (IOException e) {
                last = e.getMessage();
            }
            Thread.sleep(500);
        }
        throw new IllegalStateException("no answer from " + target + " within " + seconds + " s (" + last + ")");
    }

    /** The PID of the real server process below a launcher ({@code timeout}, catalina.sh, standalone.sh). */
    private static long pidOf(Process p, String executable) {
        for (int i = 0; i < 100; i++) {
            Optional<ProcessHandle> found = p.toHandle()
                    .descendants()
                    .filter(h -> h.info()
                            .command()
                            .map(c -> c.endsWith("/" + executable))
                            .orElse(false))
                    .reduce((a, b) -> b);
            if (found.isPresent()) {
                return found.get().pid();
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        return p.pid();
    }

    /**
     * Moves the last run's {@code results.jsonl} and {@code summary.md} to {@code earlier/}, named by the time the
     * results were last written ({@code 20261206-031500-results.jsonl}), so that runs in a row can be compared; {@code
     * mvn clean} removes them.
     */
    private void keepEarlierRun() throws IOException {
        Path results = out.resolve("results.jsonl");
        if (!Files.exists(results)) {
            return;
        }
        String stamp = java.time.format.DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")
                .withZone(java.time.ZoneOffset.UTC)
                .format(Files.getLastModifiedTime(results).toInstant());
        Path earlier = Files.createDirectories(out.resolve("earlier"));
        Files.move(results, earlier.resolve(stamp + "-results.jsonl"), StandardCopyOption.REPLACE_EXISTING);
        Path summary = out.resolve("summary.md");
        if (Files.exists(summary)) {
            Files.move(summary, earlier.resolve(stamp + "-summary.md"), StandardCopyOption.REPLACE_EXISTING);
        }
    }

    /** Adds one measurement to results.jsonl, at once, so that a run cut short keeps what it measured. */
    void append(Map<String, Object> r) throws IOException {
        Files.writeString(
                out.resolve("results.jsonl"),
                Json.write(r) + "\n",
                StandardCharsets.UTF_8,
                StandardOpenOption.CREATE,
                StandardOpenOption.APPEND);
    }

    /** Stops these servers (SIGTERM, then SIGKILL after 10 s) and forgets them. */
    void stop(List<Target> targets) {
        for (Target t : targets) {
            children.remove(t.process());
            kill(t.process());
        }
    }

    /** The start of a load client's command: a hard timeout, this JVM's java and classpath, the client's class. */
    List<String> clientCommand(int maxSeconds) {
        List<String> command = new ArrayList<>(
                List.of("timeout", "-k", "5", Integer.toString(maxSeconds + 15), javaBin(), "-Xms256m", "-Xmx1g"));
        // e.g. -Dbench.client-opts=-XX:StartFlightRecording=filename=/tmp/clients (a directory: one file per client)
        String extra = props.getOrDefault("bench.client-opts", "").trim();
        if (!extra.isEmpty()) {
            command.addAll(List.of(extra.split("\\s+")));
        }
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), LoadClient.class.getName()));
        return command;
    }

    private void stopAll() {
        List<Process> all = new ArrayList<>(children);
        children.clear();
        all.forEach(BenchMain::kill);
    }

    /** SIGTERM to the process and everything below it, then SIGKILL to whatever is left after 10 s; by PID. */
    private static void kill(Process p) {
        List<ProcessHandle> tree = Stream.concat(p.toHandle().descendants(), Stream.of(p.toHandle()))
                .toList();
        tree.forEach(ProcessHandle::destroy);
        long end = System.nanoTime() + 10_000_000_000L;
        for (ProcessHandle h : tree) {
            while (h.isAlive() && System.nanoTime() < end) {
                try {
                    Thread.sleep(50);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    break;
                }
            }
        }
        tree.stream().filter(ProcessHandle::isAlive).forEach(ProcessHandle::destroyForcibly);
    }

    // ---------------------------------------------------------------------------------------------------- misc

    private List<String> servers() {
        return list(props.getOrDefault("bench.servers", "tomcat,payara,wildfly"));
    }

    private List<String> references() {
        return list(props.getOrDefault("bench.references", "raw,node"));
    }

    private static List<String> list(String csv) {
        return Arrays.stream(csv.split(","))
                .map(String::trim)
                .filter(s -> !s.isEmpty() && !s.equals("none"))
                .toList();
    }

    private Map<String, Object> machine(String namespace, Instant started, long fileLimit, List<Target> targets)
            throws IOException, InterruptedException {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("date", started.toString());
        m.put("cpu", cpuModel());
        m.put("cores", Runtime.getRuntime().availableProcessors());
        m.put("memory", firstLine("/proc/meminfo"));
        m.put("kernel", capture(List.of("uname", "-r")).trim());
        m.put("java", System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version"));
        m.put("openFileLimit", fileLimit);
        m.put("namespace", namespace);
        m.put("loadAverageAtEnd", firstLine("/proc/loadavg"));
        Map<String, Object> versions = new LinkedHashMap<>();
        targets.forEach(t -> versions.put(t.name, t.version));
        m.put("versions", versions);
        m.put("heap", "-Xmx" + props.getOrDefault("bench.heap", "3g") + " for every JVM server");
        return m;
    }

    private static String cpuModel() {
        try (Stream<String> lines = Files.lines(Path.of("/proc/cpuinfo"))) {
            return lines.filter(l -> l.startsWith("model name"))
                    .findFirst()
                    .map(l -> l.substring(l.indexOf(':') + 1).trim())
                    .orElse("?");
        } catch (IOException e) {
            return "?";
        }
    }

    private static String firstLine(String file) {
        try (Stream<String> lines = Files.lines(Path.of(file))) {
            return lines.findFirst().orElse("?").replaceAll("\\s+", " ");
        } catch (IOException e) {
            return "?";
        }
    }

    private static long bytesUnder(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return 0;
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            return walk.filter(Files::isRegularFile)
                    .mapToLong(f -> f.toFile().length())
                    .sum();
        }
    }

    private static Path fresh(Path dir) throws IOException {
        if (Files.exists(dir)) {
            try (Stream<Path> walk = Files.walk(dir)) {
                walk.sorted(java.util.Comparator.reverseOrder()).forEach(f -> {
                    try {
                        Files.delete(f);
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                });
            }
        }
        return Files.createDirectories(dir);
    }

    private static void copyTree(Path from, Path to) throws IOException {
        try (Stream<Path> walk = Files.walk(from)) {
            for (Path f : (Iterable<Path>) walk::iterator) {
                Path dest = to.resolve(from.relativize(f).toString());
                if (Files.isDirectory(f)) {
                    Files.createDirectories(dest);
                } else {
                    Files.copy(f, dest, StandardCopyOption.REPLACE_EXISTING);
                }
            }
        }
    }

    /** The Maven unpack does not keep the zip's file modes. */
    private static void executable(Path bin) throws IOException {
        try (Stream<Path> files = Files.list(bin)) {
            files.filter(f -> f.toString().endsWith(".sh"))
                    .forEach(f -> f.toFile().setExecutable(true));
        }
    }

    /**
     * The JDK the JobPulse servers run on: {@code bench.server-java-home}, or the bench's own (the load clients and the
     * references always run on the bench's).
     */
    private String serverJavaHome() {
        String home = props.getOrDefault("bench.server-java-home", "").trim();
        return home.isEmpty() ? System.getProperty("java.home") : home;
    }

    /** The JDK's version from its {@code release} file ({@code JAVA_VERSION="25.0.3"}), or "?" */
    private static String javaVersion(String javaHome) {
        try {
            for (String line : Files.readAllLines(Path.of(javaHome, "release"))) {
                if (line.startsWith("JAVA_VERSION=")) {
                    return line.substring("JAVA_VERSION=".length()).replace("\"", "");
                }
            }
        } catch (IOException e) {
            warn("no release file in " + javaHome + ": " + e);
        }
        return "?";
    }

    static String javaBin() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    static void log(String message) {
        System.out.println("[bench] " + message);
        System.out.flush();
    }

    static void warn(String message) {
        System.out.println("[bench] WARNING: " + message);
        System.out.flush();
    }
}
