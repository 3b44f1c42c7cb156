package io.jobpulse.bench;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ThreadLocalRandom;

/**
 * One measurement: N watchers of one job on one server, from a raw-NIO client on one selector thread (no thread, future
 * or object per message; only the fields it needs are read from each frame; pings are answered with pongs as RFC 6455
 * requires). Prints one JSON line with the figures and exits.
 *
 * <p>Phases: (1) JobPulse: submit a blocker job and the measured {@code steps} job, which waits QUEUED behind it
 * ({@code jobpulse.max-running-jobs=1}); (2) heap after GC and RSS; (3) connect and subscribe N watchers, at most
 * {@code inflight} handshakes at a time; (4) heap after GC and RSS again: the idle cost per subscribed connection;
 * (5) cancel the blocker, so the measured job runs through the real path (job thread, store, hub, outbox, container),
 * and time every event from its {@code at} (server wall clock) to its receipt here ({@code currentTimeMillis}, the
 * same clock on the same machine). The references get the same schedule through {@code /ctl/pub}.
 *
 * <pre>java io.jobpulse.bench.LoadClient key=value... (see {@link #main})</pre>
 */
public final class LoadClient {

    private static final byte[] TYPE = bytes("\"type\":\"");
    private static final byte[] SEQ = bytes("\"seq\":");
    private static final byte[] KIND_STATE = bytes("\"kind\":\"state\"");
    private static final byte[] SUCCEEDED = bytes("\"state\":\"SUCCEEDED\"");
    private static final byte[] CANCELLED = bytes("\"state\":\"CANCELLED\"");
    private static final byte[] KIND_PROGRESS = bytes("\"kind\":\"progress\"");
    private static final byte[] DONE = bytes("\"done\":");
    private static final byte[] AT = bytes("\"at\":\"");
    private static final byte[] SKIPPED = bytes("\"skipped\":");
    private static final byte[] SKIPPED_FROM = bytes("\"skipped\":{\"from\":");
    private static final byte[] RUNNING = bytes("\"state\":\"RUNNING\"");
    private static final byte[] HEADER_END = bytes("\r\n\r\n");
    private static final byte[] MASK = {0x37, 0x1b, 0x5a, 0x6c};

    /** The local ports the client binds (in its own network namespace, the loopback addresses are all its own). */
    private static final int FIRST_PORT = 10_000;

    private static final int LAST_PORT = 60_999;
    private static final int CONNECTING = 0;
    private static final int HANDSHAKE = 1;
    private static final int SUBSCRIBING = 2;
    private static final int READY = 3;
    private static final int FINISHED = 4;
    private static final int CLOSED = 5;

    /** Per watcher: its channel, state and at most the bytes of one incomplete frame. */
    private static final class Conn {
        final SocketChannel ch;
        final byte[] subscribe;
        final int job;
        /** Which server it connects to: an index into {@link #servers}. */
        final int node;
        /** Failover mode: a watcher of the killed node, resuming on the other with {@code since} = {@link #lastSeq}. */
        boolean resume;
        /** The newest {@code seq} of its job this watcher holds (from the snapshot or the events), 0 before any. */
        long lastSeq;

        int state = CONNECTING;
        byte[] partial;
        byte[] fragments;
        /** The {@code at} of the newest progress event this watcher holds (overload mode; read at the window's end). */
        volatile long latestAt;

        Conn(SocketChannel ch, byte[] subscribe, int job, int node) {
            this.ch = ch;
            this.subscribe = subscribe;
            this.job = job;
            this.node = node;
        }
    }

    /** Receipts of one event (one seq): latencies in ms, the last receipt, whether it is a measured step. */
    private static final class EventStats {
        final long at;
        final boolean step;
        final boolean state;
        int[] latencies = new int[64];
        int count;
        long lastReceipt;
        /** Per server the watchers are on: the first receipt of this event there (0: none yet). */
        final long[] firstByNode;

        EventStats(long at, boolean step, boolean state, int nodes) {
            this.at = at;
            this.step = step;
            this.state = state;
            this.firstByNode = new long[nodes];
        }

        void add(long receipt) {
            if (count == latencies.length) {
                latencies = Arrays.copyOf(latencies, count * 2);
            }
            latencies[count++] = (int) (receipt - at);
            lastReceipt = Math.max(lastReceipt, receipt);
        }
    }

    private final Map<String, String> args;
    private final int n;
    private final int inflightMax;
    private final InetSocketAddress server;
    /** The servers watchers connect to: {@code ports} (a cluster's nodes) or just {@code port}; REST goes to the first. */
    private final InetSocketAddress[] servers;

    private final InetSocketAddress[] sources;
    /** Per source address, the next local port to bind: see {@link #bindNextPort}. */
    private final int[] nextPort;

    private final String path;
    private final Selector selector;
    private final ByteBuffer read = ByteBuffer.allocate(256 * 1024);
    private final List<Conn> conns = new ArrayList<>();
    private final Map<Integer, EventStats> events = new HashMap<>();
    /** Cluster fan-out: the receipt latencies of the measured steps, per server the watchers are connected to. */
    private Staleness[] stepLatencyByNode = new Staleness[0];
    /** Cluster modes: the node index running each job, -1 while unknown (watchers on it are local, the others cross). */
    private int[] jobNode = new int[0];

    private final Staleness stalenessLocal = new Staleness();
    private final Staleness stalenessCross = new Staleness();
    private final Map<String, Integer> closes = new TreeMap<>();
    private final Map<String, Integer> failures = new TreeMap<>();
    /** What watcher i sends to subscribe: {@code subscribes[i % subscribes.length]}. */
    private byte[][] subscribes;
    /** Set by the main thread: the selector thread then closes every connection and opens them all again. */
    private volatile boolean stormPending;
    /** Overload mode: receipts are counted into {@link #staleness} while this is set. */
    private volatile boolean measuring;

    private final Staleness staleness = new Staleness();
    private volatile long batches;
    private boolean overload;
    private boolean[] jobsReporting = new boolean[0];

    private volatile int target;
    private volatile boolean stop;
    private volatile int ready;
    private volatile int failed;
    private volatile int finished;
    private volatile int dropped;
    private volatile long pings;
    private volatile long skippedEvents;
    private volatile long errors;
    private volatile long deliveries;
    private int opened;
    private String firstError;

    /** Failover mode: every watcher connects to the first server; after the kill, each resumes on the second. */
    private boolean failover;

    private volatile boolean killed;
    private final java.util.ArrayDeque<Conn> resumeQueue = new java.util.ArrayDeque<>();
    private int resumesOpened;
    private volatile int resumed;
    private volatile int resumeFailed;
    private volatile long lastResumeAt;
    private volatile int jobsRunningAgain;
    private long[] runningAgainAt = new long[0];
    private String[] ids = new String[0];
    private String[] tokens = new String[0];
    /** Events whose seq was not the next one with no skipped range saying why, and events seen twice. */
    private volatile long gaps;

    private volatile long duplicates;
    /** Where REST calls go: the first server, or in failover mode after the kill the second. */
    private volatile int restPort;

    private LoadClient(Map<String, String> args) throws IOException {
        this.args = args;
        this.n = Integer.parseInt(args.get("n"));
        this.inflightMax = Integer.parseInt(args.getOrDefault("inflight", "256"));
        String[] ports = args.getOrDefault("ports", args.get("port")).split(",");
        this.servers = new InetSocketAddress[ports.length];
        for (int i = 0; i < ports.length; i++) {
            servers[i] = new InetSocketAddress("127.0.0.1", Integer.parseInt(ports[i].trim()));
        }
        this.server = servers[0];
        this.restPort = server.getPort();
        this.stepLatencyByNode = new Staleness[servers.length];
        for (int i = 0; i < servers.length; i++) {
            stepLatencyByNode[i] = new Staleness();
        }
        this.path = args.get("path");
        int addresses = Math.max(1, Integer.parseInt(args.getOrDefault("sources", "0")));
        this.sources = new InetSocketAddress[addresses];
        for (int i = 0; i < addresses; i++) {
            sources[i] = new InetSocketAddress("127.0.0." + (2 + i), 0);
        }
        this.nextPort = new int[addresses];
        java.util.Arrays.fill(nextPort, FIRST_PORT + ThreadLocalRandom.current().nextInt(LAST_PORT - FIRST_PORT));
        this.selector = Selector.open();
    }

    /**
     * Arguments, key=value: {@code target} jobpulse|reference, {@code server} (a label), {@code port}, {@code path}
     * (/jobpulse/ws or /ws), {@code n}, {@code steps}, {@code intervalMs}, {@code serverPid}, {@code benchPids}
     * (comma-separated: the other processes of the benchmark, idle meanwhile), {@code apiKey}, {@code sources}
     * (client addresses 127.0.0.2...), {@code inflight}, {@code maxSeconds}, {@code rep}.
     */
    public static void main(String[] argv) throws Exception {
        Map<String, String> args = new LinkedHashMap<>();
        for (String a : argv) {
            int eq = a.indexOf('=');
            args.put(a.substring(0, eq), a.substring(eq + 1));
        }
        int maxSeconds = Integer.parseInt(args.getOrDefault("maxSeconds", "240"));
        Thread watchdog = new Thread(
                () -> {
                    try {
                        Thread.sleep(maxSeconds * 1000L);
                        System.out.println("{\"error\":\"LoadClient gave up after " + maxSeconds + " s\"}");
                        System.out.flush();
                        Runtime.getRuntime().halt(3);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                },
                "watchdog");
        watchdog.setDaemon(true);
        watchdog.start();
        LoadClient client = new LoadClient(args);
        Map<String, Object> result = client.run();
        System.out.println(Json.write(result));
        System.out.flush();
        System.exit(0);
    }

    private Map<String, Object> run() throws Exception {
        boolean jobpulse = "jobpulse".equals(args.get("target"));
        long serverPid = Long.parseLong(args.get("serverPid"));
        int steps = Integer.parseInt(args.getOrDefault("steps", "5"));
        int interval = Integer.parseInt(args.getOrDefault("intervalMs", "500"));
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("server", args.get("server"));
        r.put("n", n);
        r.put("rep", Integer.parseInt(args.getOrDefault("rep", "0")));
        r.put("time", java.time.Instant.now().toString());
        String mode = args.get("mode");
        if ("overload".equals(mode) || "cluster-bus".equals(mode) || "reports".equals(mode)) {
            return runOverload(r, serverPid, mode);
        }
        if ("failover".equals(mode)) {
            return runFailover(r, serverPid);
        }
        if (servers.length > 1) {
            r.put("mode", "cluster-fanout");
            r.put("nodes", servers.length);
        }
        r.put("steps", steps);
        r.put("intervalMs", interval);

        // one blocker per node (each runs one job at a time), so the measured job waits QUEUED behind them
        List<String> blockers = new ArrayList<>();
        String measured = null;
        byte[] resume;
        if (jobpulse) {
            for (int i = 0; i < servers.length; i++) {
                blockers.add(submit(
                                "{\"type\":\"steps\",\"params\":{\"count\":10,\"intervalMs\":60000},\"name\":\"bench-blocker\"}")
                        .get("id")
                        .toString());
            }
            for (String blocker : blockers) {
                awaitRunning(blocker);
            }
            Map<String, Object> job = submit("{\"type\":\"steps\",\"params\":{\"count\":" + steps + ",\"intervalMs\":"
                    + interval + "},\"name\":\"bench-" + n + "\"}");
            String subscribe = "{\"type\":\"subscribe\",\"job\":\"" + job.get("id") + "\",\"token\":\""
                    + job.get("watchToken") + "\"";
            subscribes = new byte[][] {masked(subscribe + "}")};
            resume = masked(subscribe + ",\"since\":1}"); // the job is QUEUED: its one event so far is seq 1
            measured = job.get("id").toString();
            awaitNoConnections();
        } else {
            subscribes = new byte[][] {
                masked("{\"type\":\"subscribe\",\"job\":\"" + BenchJob.REFERENCE_JOB + "\",\"token\":\"t\"}")
            };
            resume = subscribes[0];
        }
        Map<String, Object> before = serverStats(jobpulse);
        long rss0 = Proc.rssBytes(serverPid);
        long threads0 = Proc.threads(serverPid);

        Thread loop = new Thread(this::loop, "selector");
        loop.start();
        connectAll(r, serverPid, "connect");

        Thread.sleep(500);
        Map<String, Object> after = serverStats(jobpulse);
        long rss1 = Proc.rssBytes(serverPid);
        int held = ready;
        r.put("heapBeforeBytes", before.get("heapUsedBytes"));
        r.put("heapAfterBytes", after.get("heapUsedBytes"));
        r.put(
                "heapPerConnection",
                held == 0
                        ? null
                        : (((Number) after.get("heapUsedBytes")).doubleValue()
                                        - ((Number) before.get("heapUsedBytes")).doubleValue())
                                / held);
        r.put("rssBeforeBytes", rss0);
        r.put("rssAfterBytes", rss1);
        r.put("rssPerConnection", held == 0 ? null : (rss1 - rss0) / (double) held);
        r.put("threadsBefore", threads0);
        r.put("threadsAfter", Proc.threads(serverPid));
        r.put("serverConnections", after.get("webSocketConnections"));
        if (args.containsKey("histogram")) {
            classHistogram(serverPid, java.nio.file.Path.of(args.get("histogram")));
        }

        if (Boolean.parseBoolean(args.getOrDefault("storm", "false"))) {
            subscribes = new byte[][] {resume};
            stormPending = true;
            connectAll(r, serverPid, "storm");
        }

        Map<String, Double> threadsIdle = Proc.threadCpu(serverPid);
        Cpu e0 = Cpu.now(serverPid, args);
        long deliveries0 = deliveries;
        long p0 = System.nanoTime();
        if (jobpulse) {
            for (String blocker : blockers) {
                post("/jobs/" + blocker + "/cancel", "");
            }
        } else {
            Thread publisher = new Thread(() -> publishReference(steps, interval), "publisher");
            publisher.setDaemon(true);
            publisher.start();
        }
        long eventDeadline = p0 + (steps * (long) interval + 60_000L) * 1_000_000L;
        while (finished + dropped < ready && System.nanoTime() < eventDeadline) {
            Thread.sleep(10);
        }
        Cpu e1 = Cpu.now(serverPid, args);
        r.put("eventsServerThreads", Proc.busiest(threadsIdle, Proc.threadCpu(serverPid), 6));
        r.put(
                "clientSelectorCpuSeconds",
                java.lang.management.ManagementFactory.getThreadMXBean().getThreadCpuTime(loop.getId()) / 1e9);
        stopLoop(loop);

        long total = deliveries - deliveries0;
        Cpu events = e1.minus(e0);
        events.into(r, "events");
        r.put("deliveries", total);
        r.put("serverCpuMicrosPerDelivery", total == 0 ? null : events.server * 1e6 / total);
        endFigures(r);
        stepFigures(r);
        if (servers.length == 2 && measured != null) {
            // local: the watchers on the node that ran the job; cross: the others, whose events came over the bus
            int ran =
                    nodeIndex(Json.object(get("/jobpulse/api/jobs/" + measured)).get("node"));
            r.put("jobNode", ran);
            if (ran >= 0) {
                stepLatencyByNode[ran].into(r, "local");
                stepLatencyByNode[1 - ran].into(r, "cross");
                // the first watcher served on each node, per step: the path itself, before any fan-out queueing
                r.put("localFirstMs", medianFirst(ran));
                r.put("crossFirstMs", medianFirst(1 - ran));
            }
        }
        return r;
    }

    /** Over the measured steps, the median time from the event's {@code at} to its first receipt on this node. */
    private Double medianFirst(int node) {
        List<Long> firsts = new ArrayList<>();
        for (EventStats e : events.values()) {
            if (e.step && e.firstByNode[node] > 0) {
                firsts.add(e.firstByNode[node] - e.at);
            }
        }
        firsts.sort(null);
        return firsts.isEmpty() ? null : (double) firsts.get(firsts.size() / 2);
    }

    /** The index in {@link #servers} of the node with this id ({@code GET /api/node} of each), or -1. */
    private int nodeIndex(Object nodeId) throws IOException {
        for (int i = 0; i < servers.length; i++) {
            Object id = Json.object(
                            Http.request(servers[i].getPort(), "GET", "/jobpulse/api/node", null, args.get("apiKey")))
                    .get("node");
            if (id != null && id.equals(nodeId)) {
                return i;
            }
        }
        return -1;
    }

    /**
     * Opens all N connections and subscribes them (after dropping every open one first when a storm is pending), and
     * records how long that took as {@code <phase>Seconds}, {@code <phase>PerSecond} and the CPU of the phase.
     */
    private void connectAll(Map<String, Object> r, long serverPid, String phase) throws Exception {
        Map<String, Double> threads = Proc.threadCpu(serverPid);
        Cpu c0 = Cpu.now(serverPid, args);
        long t0 = System.nanoTime();
        target = n;
        selector.wakeup();
        while (stormPending) {
            Thread.sleep(5);
        }
        long deadline = t0 + Math.max(60, n / 100) * 1_000_000_000L;
        while (ready + failed < n && System.nanoTime() < deadline && !stop) {
            Thread.sleep(20);
        }
        long t1 = System.nanoTime();
        Cpu c1 = Cpu.now(serverPid, args);
        double seconds = (t1 - t0) / 1e9;
        r.put(phase.equals("connect") ? "connected" : phase + "Connected", ready);
        r.put(phase.equals("connect") ? "failed" : phase + "Failed", failed);
        r.put(phase + "Seconds", seconds);
        r.put(phase + "PerSecond", ready / seconds);
        c1.minus(c0).into(r, phase);
        r.put(phase + "ServerThreads", Proc.busiest(threads, Proc.threadCpu(serverPid), 6));
    }

    /** A line on stderr (the client's log), for following a long measurement. */
    private static void progress(String message) {
        System.err.println(java.time.Instant.now() + " " + message);
    }

    /**
     * The server's heap by class with every watcher connected ({@code jcmd GC.class_histogram}, its first 60 lines), for
     * finding what each connection holds: classes with about N or a multiple of N instances.
     */
    private static void classHistogram(long pid, java.nio.file.Path file) {
        try {
            Process jcmd = new ProcessBuilder(
                            java.nio.file.Path.of(System.getProperty("java.home"), "bin", "jcmd")
                                    .toString(),
                            Long.toString(pid),
                            "GC.class_histogram")
                    .redirectErrorStream(true)
                    .start();
            List<String> lines = new String(jcmd.getInputStream().readAllBytes(), StandardCharsets.UTF_8)
                    .lines()
                    .limit(60)
                    .toList();
            jcmd.waitFor(60, java.util.concurrent.TimeUnit.SECONDS);
            java.nio.file.Files.write(file, lines);
        } catch (IOException e) {
            System.err.println("class histogram: " + e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void stopLoop(Thread loop) throws InterruptedException {
        stop = true;
        selector.wakeup();
        loop.join(30_000);
    }

    private void endFigures(Map<String, Object> r) {
        try {
            // how busy the shared machine was: a figure measured beside other work says so
            r.put(
                    "loadAverage",
                    java.nio.file.Files.readString(java.nio.file.Path.of("/proc/loadavg"))
                            .trim());
        } catch (IOException e) {
            r.put("loadAverage", "?");
        }
        r.put("finished", finished);
        r.put("dropped", dropped);
        r.put("coalescedEvents", skippedEvents);
        r.put("batchFrames", batches);
        r.put("errors", errors);
        r.put("gaps", gaps);
        r.put("duplicates", duplicates);
        r.put("pingsAnswered", pings);
        r.put("closes", closes);
        r.put("failures", failures);
        if (firstError != null) {
            r.put("firstError", firstError);
        }
    }

    /**
     * The overload workload (JobPulse only): {@code jobs} {@code steps} jobs each reporting {@code rate} times a
     * second, N watchers, watcher i watching job i % jobs. Once all are subscribed and 2 s have passed, every progress
     * receipt for {@code windowSeconds} is counted by its age ({@link Staleness}); at the end of the window, the age of
     * the newest progress each watcher holds. Then every job is cancelled, and each watcher must get its terminal event.
     */
    private Map<String, Object> runOverload(Map<String, Object> r, long serverPid, String mode) throws Exception {
        int jobs = Integer.parseInt(args.getOrDefault("jobs", "1000"));
        int rate = Integer.parseInt(args.getOrDefault("rate", "20"));
        int window = Integer.parseInt(args.getOrDefault("windowSeconds", "10"));
        overload = true;
        r.put("mode", mode);
        r.put("jobs", jobs);
        r.put("ratePerJob", rate);
        r.put("windowSeconds", window);
        long settle = Long.parseLong(args.getOrDefault("settleSeconds", "2"));
        r.put("settleSeconds", settle);
        awaitNoConnections();
        boolean external = "reports".equals(mode);
        List<String> submitted = new ArrayList<>();
        String[] reportTokens = new String[jobs];
        subscribes = new byte[jobs][];
        jobsReporting = new boolean[jobs];
        for (int j = 0; j < jobs; j++) {
            // a cluster: submitted to each node in turn, as a load balancer would (a node claims its own first)
            restPort = servers[j % servers.length].getPort();
            // reports: external jobs, each reported by a worker of this client (Reporters) instead of a handler
            Map<String, Object> job = submit(
                    external
                            ? "{\"type\":\"external\",\"params\":{},\"name\":\"reports-" + j + "\"}"
                            : "{\"type\":\"steps\",\"params\":{\"count\":100000,\"intervalMs\":" + (1000 / rate)
                                    + "},\"name\":\"overload-" + j + "\"}");
            submitted.add(job.get("id").toString());
            if (external) {
                reportTokens[j] = job.get("reportToken").toString();
            }
            subscribes[j] = masked("{\"type\":\"subscribe\",\"job\":\"" + job.get("id") + "\",\"token\":\""
                    + job.get("watchToken") + "\"}");
        }
        restPort = server.getPort();
        ids = submitted.toArray(String[]::new);
        progress("submitted " + jobs + " jobs");
        Thread loop = new Thread(this::loop, "selector");
        loop.start();
        connectAll(r, serverPid, "connect");
        progress("connected " + ready + " watchers, " + failed + " failed");
        Reporters workers = external ? new Reporters(restPort, ids, reportTokens, rate) : null;
        if (workers != null) {
            workers.start();
        }
        // before the window: the connections, jobs and workers just made settle (bench.settle-seconds)
        Thread.sleep(settle * 1000L);

        // a cluster: where each job runs (watchers on that node are local, the others cross-node) and the events
        // stored so far (the sum of the jobs' seq), with the database's CPU, around the window
        long dbPid = Long.parseLong(args.getOrDefault("dbPid", "-1"));
        long stored0 = 0;
        double db0 = 0;
        if (servers.length > 1) {
            Map<String, Integer> byNode = new java.util.TreeMap<>();
            jobNode = locate(ids, byNode);
            r.put("jobsByNode", byNode);
            stored0 = storedEvents();
            db0 = Proc.treeCpuSeconds(dbPid);
        }
        Map<String, Double> threads0 = Proc.threadCpu(serverPid);
        Cpu w0 = Cpu.now(serverPid, args);
        long deliveries0 = deliveries;
        long skipped0 = skippedEvents;
        long batches0 = batches;
        measuring = true;
        if (workers != null) {
            workers.startMeasuring();
        }
        Thread.sleep(window * 1000L);
        measuring = false;
        if (workers != null) {
            workers.stopMeasuring();
        }
        long end = System.currentTimeMillis();
        Cpu w1 = Cpu.now(serverPid, args);
        List<Long> ages = new ArrayList<>();
        Staleness viewLocal = new Staleness();
        Staleness viewCross = new Staleness();
        int without = 0;
        for (Conn c : List.copyOf(conns)) {
            if (c.state == READY) {
                if (c.latestAt == 0) {
                    without++;
                } else {
                    ages.add(end - c.latestAt);
                    if (jobNode.length > 0 && jobNode[c.job] >= 0) {
                        (jobNode[c.job] == c.node ? viewLocal : viewCross).add(end - c.latestAt);
                    }
                }
            }
        }
        // after the view ages, which are of the window's end: this list pass takes a while and the selector goes on
        if (servers.length > 1) {
            double db = Proc.treeCpuSeconds(dbPid) - db0;
            long stored = storedEvents() - stored0;
            double seconds = (System.nanoTime() - w0.nanos()) / 1e9;
            r.put("dbCpuSeconds", db);
            r.put("eventsStored", stored);
            r.put("eventsStoredPerSecond", stored / seconds);
            r.put("dbCpuMicrosPerEvent", stored == 0 ? null : db * 1e6 / stored);
            r.put("dbCpuShare", db / seconds);
        }
        if (jobNode.length > 0) {
            viewLocal.into(r, "viewAgeLocal");
            viewCross.into(r, "viewAgeCross");
            stalenessLocal.into(r, "stalenessLocal");
            stalenessCross.into(r, "stalenessCross");
        }
        Cpu w = w1.minus(w0);
        w.into(r, "overload");
        long got = deliveries - deliveries0;
        r.put("overloadServerThreads", Proc.busiest(threads0, Proc.threadCpu(serverPid), 6));
        r.put("overloadDeliveries", got);
        r.put("overloadDeliveriesPerSecond", got / (w.nanos / 1e9));
        r.put("overloadOfferedPerSecond", (double) n * rate);
        r.put("overloadCoalesced", skippedEvents - skipped0);
        r.put("overloadBatchFrames", batches - batches0);
        r.put("overloadServerCpuMicrosPerDelivery", got == 0 ? null : w.server * 1e6 / got);
        staleness.into(r, "staleness");
        Staleness view = new Staleness();
        ages.forEach(view::add);
        view.into(r, "viewAge");
        r.put("watchersWithoutProgress", without);
        int reporting = 0;
        for (boolean seen : jobsReporting) {
            reporting += seen ? 1 : 0;
        }
        r.put("jobsReporting", reporting);
        r.put("jobsRunning", countJobs("RUNNING"));
        r.put("jobsQueued", countJobs("QUEUED"));

        if (workers != null) {
            // the workers stop before the cancels, which would answer their next reports 409
            workers.close();
            workers.into(r, "reports");
            progress(
                    "reports: " + r.get("reportsOkPerSecond") + "/s answered 2xx of " + r.get("reportsOfferedPerSecond")
                            + " offered, answer p99 " + r.get("reportsAnswerP99Ms") + " ms, 5xx " + r.get("reports5xx")
                            + ", behind " + r.get("reportsBehind"));
        }
        progress("measured: " + got + " deliveries, staleness p99 " + r.get("stalenessP99Ms") + " ms; cancelling");
        long c0 = System.nanoTime();
        for (String id : submitted) {
            post("/jobs/" + id + "/cancel", "");
        }
        progress("cancelled " + jobs + " jobs; " + finished + " watchers got their terminal event so far");
        long deadline = System.nanoTime() + 60_000_000_000L;
        while (finished + dropped < ready && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        r.put("cancelSeconds", (System.nanoTime() - c0) / 1e9);
        r.put("terminalMissing", ready - finished - dropped);
        stopLoop(loop);
        endFigures(r);
        return r;
    }

    /**
     * The failover workload (a cluster of two: {@code ports=A,B}): the jobs in {@code jobsFile} (one {@code id token}
     * per line) run on A; {@code n} watchers, all on A, watcher i watching job i % jobs. Once every watcher is
     * subscribed and events flow, A's JVM ({@code killPid}) gets SIGKILL. Each watcher A drops resumes on B with
     * {@code since} = the last seq it had. Measured: the time until every watcher is subscribed on B, until every job
     * is RUNNING again (its new RUNNING event reached a watcher), B's store reads for the resumes (its counters), and
     * every watcher's events checked for gaps and duplicates; then every job is cancelled and each watcher must get
     * its terminal event.
     */
    private Map<String, Object> runFailover(Map<String, Object> r, long serverPid) throws Exception {
        List<String> lines = java.nio.file.Files.readAllLines(java.nio.file.Path.of(args.get("jobsFile")));
        int jobs = lines.size();
        ids = new String[jobs];
        tokens = new String[jobs];
        subscribes = new byte[jobs][];
        for (int j = 0; j < jobs; j++) {
            String[] f = lines.get(j).trim().split(" ");
            ids[j] = f[0];
            tokens[j] = f[1];
            subscribes[j] = masked("{\"type\":\"subscribe\",\"job\":\"" + f[0] + "\",\"token\":\"" + f[1] + "\"}");
        }
        runningAgainAt = new long[jobs];
        failover = true;
        overload = true; // events are handled per job, as in the overload mode
        r.put("mode", "failover");
        r.put("jobs", jobs);
        r.put("leaseSeconds", Double.parseDouble(args.getOrDefault("leaseSeconds", "0")));
        Thread loop = new Thread(this::loop, "selector");
        loop.start();
        connectAll(r, serverPid, "connect");
        progress("connected " + ready + " watchers to the node to be killed, " + failed + " failed");
        Thread.sleep(2000); // events flow: every watcher holds a seq of its job

        int watching = ready;
        Map<String, Object> before = counters(servers[1].getPort());
        long killAt = System.currentTimeMillis();
        killed = true;
        restPort = servers[1].getPort();
        long killPid = Long.parseLong(args.get("killPid"));
        if (!ProcessHandle.of(killPid).map(ProcessHandle::destroyForcibly).orElse(false)) {
            r.put("error", "could not kill " + killPid);
        }
        selector.wakeup();
        progress("killed " + killPid + " (SIGKILL)");
        long deadline = System.nanoTime() + 90_000_000_000L;
        while (resumed + resumeFailed < watching && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        r.put("watchers", watching);
        r.put("resubscribed", resumed);
        r.put("resubscribeFailed", resumeFailed);
        r.put("resubscribeSeconds", resumed == 0 ? null : (lastResumeAt - killAt) / 1000.0);
        progress("resubscribed " + resumed + " on the survivor, " + resumeFailed + " failed");
        double lease = Double.parseDouble(args.getOrDefault("leaseSeconds", "30"));
        long jobsDeadline = System.nanoTime() + (long) ((lease * 3 + 30) * 1e9);
        while (jobsRunningAgain < jobs && System.nanoTime() < jobsDeadline) {
            Thread.sleep(20);
        }
        Map<String, Object> after = counters(servers[1].getPort());
        long fromMemory = delta(before, after, "resumes-from-memory");
        r.put("resumesFromMemory", fromMemory);
        r.put("catchUpReads", delta(before, after, "cluster-catch-up-reads"));
        r.put("resumeStoreReadsPerJob", (resumed - fromMemory) / (double) jobs);
        progress(jobsRunningAgain + " of " + jobs + " jobs running again; cancelling");

        long c0 = System.nanoTime();
        for (String id : ids) {
            post("/jobs/" + id + "/cancel", "");
        }
        long terminalDeadline = System.nanoTime() + 60_000_000_000L;
        while (finished < resumed && System.nanoTime() < terminalDeadline) {
            Thread.sleep(20);
        }
        r.put("cancelSeconds", (System.nanoTime() - c0) / 1e9);
        r.put("terminalMissing", resumed - finished);
        stopLoop(loop);
        List<Double> again = new ArrayList<>();
        for (long at : runningAgainAt) {
            if (at > 0) {
                again.add((at - killAt) / 1000.0);
            }
        }
        again.sort(null);
        r.put("jobsRunningAgain", again.size());
        r.put("runningAgainP50Seconds", again.isEmpty() ? null : again.get(again.size() / 2));
        r.put("runningAgainMaxSeconds", again.isEmpty() ? null : again.get(again.size() - 1));
        endFigures(r);
        return r;
    }

    private Map<String, Object> counters(int port) throws IOException {
        Object c = Json.object(Http.request(port, "GET", "/jobpulse/api/node", null, args.get("apiKey")))
                .get("counters");
        @SuppressWarnings("unchecked")
        Map<String, Object> map = c instanceof Map<?, ?> ? (Map<String, Object>) c : Map.of();
        return map;
    }

    private static long delta(Map<String, Object> before, Map<String, Object> after, String key) {
        return ((Number) after.getOrDefault(key, 0)).longValue() - ((Number) before.getOrDefault(key, 0)).longValue();
    }

    /** Per job of {@code jobIds}, the index of the node running it (-1: none); counts per node id into byNode. */
    private int[] locate(String[] jobIds, Map<String, Integer> byNode) throws Exception {
        Map<String, Integer> index = new HashMap<>();
        for (int i = 0; i < jobIds.length; i++) {
            index.put(jobIds[i], i);
        }
        int[] where = new int[jobIds.length];
        Arrays.fill(where, -1);
        Map<Object, Integer> nodeIndexes = new HashMap<>();
        for (Map<String, Object> job : runningJobs()) {
            Integer j = index.get(String.valueOf(job.get("id")));
            if (j == null) {
                continue;
            }
            Object node = job.get("node");
            Integer n = nodeIndexes.get(node);
            if (n == null) {
                n = nodeIndex(node);
                nodeIndexes.put(node, n);
            }
            where[j] = n;
            byNode.merge(String.valueOf(node), 1, Integer::sum);
        }
        return where;
    }

    /** The events stored so far of the bench client's running jobs: the sum of their {@code seq}. */
    private long storedEvents() throws Exception {
        long sum = 0;
        for (Map<String, Object> job : runningJobs()) {
            sum += ((Number) job.get("seq")).longValue();
        }
        return sum;
    }

    @SuppressWarnings("unchecked")
    private List<Map<String, Object>> runningJobs() throws Exception {
        List<Map<String, Object>> all = new ArrayList<>();
        String cursor = null;
        do {
            Map<String, Object> page = Json.object(
                    get("/jobpulse/api/jobs?state=RUNNING&limit=100" + (cursor == null ? "" : "&cursor=" + cursor)));
            for (Object o : (List<?>) page.get("jobs")) {
                all.add((Map<String, Object>) o);
            }
            cursor = page.get("nextCursor") instanceof String next ? next : null;
        } while (cursor != null);
        return all;
    }

    /** Per measured step: deliveries/s of that one event (receipts / time from its {@code at} to the last receipt). */
    private void stepFigures(Map<String, Object> r) {
        List<Double> rates = new ArrayList<>();
        int samples = 0;
        for (EventStats e : events.values()) {
            if (e.step) {
                samples += e.count;
            }
        }
        int[] all = new int[samples];
        int k = 0;
        int measured = 0;
        for (EventStats e : events.values()) {
            if (!e.step) {
                continue;
            }
            measured++;
            System.arraycopy(e.latencies, 0, all, k, e.count);
            k += e.count;
            long span = Math.max(1, e.lastReceipt - e.at);
            rates.add(e.count * 1000.0 / span);
        }
        Arrays.sort(all);
        rates.sort(null);
        r.put("stepEvents", measured);
        r.put("stepDeliveries", samples);
        r.put("deliveriesPerSecond", rates.isEmpty() ? null : rates.get(rates.size() / 2));
        r.put("latencyP50Ms", percentile(all, 0.50));
        r.put("latencyP99Ms", percentile(all, 0.99));
        r.put("latencyMaxMs", all.length == 0 ? null : (double) all[all.length - 1]);
        r.put("latencyMinMs", all.length == 0 ? null : (double) all[0]);
    }

    private static Double percentile(int[] sorted, double q) {
        if (sorted.length == 0) {
            return null;
        }
        return (double) sorted[Math.min(sorted.length - 1, (int) Math.ceil(q * sorted.length) - 1)];
    }

    /** The references' copy of the job's schedule: RUNNING, "starting", a step every interval, SUCCEEDED. */
    private void publishReference(int steps, int interval) {
        try {
            int seq = 2;
            get("/ctl/pub?seq=" + seq++ + "&kind=state&state=RUNNING&done=0&total=0");
            get("/ctl/pub?seq=" + seq++ + "&kind=progress&state=RUNNING&done=0&total=" + steps);
            for (int step = 1; step <= steps; step++) {
                Thread.sleep(interval);
                get("/ctl/pub?seq=" + seq++ + "&kind=progress&state=RUNNING&done=" + step + "&total=" + steps);
            }
            get("/ctl/pub?seq=" + seq + "&kind=state&state=SUCCEEDED&done=" + steps + "&total=" + steps);
        } catch (Exception e) {
            System.err.println("publisher: " + e);
        }
    }

    // ---------------------------------------------------------------------------------------------------- selector

    private void loop() {
        try {
            while (!stop) {
                if (stormPending) {
                    dropAll();
                }
                openMore();
                selector.select(50);
                long now = System.currentTimeMillis();
                Iterator<SelectionKey> keys = selector.selectedKeys().iterator();
                while (keys.hasNext()) {
                    SelectionKey key = keys.next();
                    keys.remove();
                    Conn c = (Conn) key.attachment();
                    try {
                        if (!key.isValid()) {
                            continue;
                        }
                        if (key.isConnectable()) {
                            c.ch.finishConnect();
                            onConnected(c, key);
                        } else if (key.isReadable()) {
                            onRead(c, key, now);
                        }
                    } catch (IOException | RuntimeException e) {
                        fail(c, key, e.getClass().getSimpleName() + ": " + e.getMessage());
                    }
                }
            }
        } catch (IOException e) {
            firstError = "selector: " + e;
        } finally {
            for (Conn c : conns) {
                try {
                    c.ch.close();
                } catch (IOException ignored) {
                    // leaving anyway
                }
            }
        }
    }

    private void openMore() {
        openResumes();
        while (opened < target && opened - ready - failed - dropped - finished < inflightMax) {
            opened++;
            SocketChannel ch = null;
            try {
                ch = SocketChannel.open();
                ch.configureBlocking(false);
                ch.setOption(StandardSocketOptions.TCP_NODELAY, true);
                bindNextPort(ch, opened % sources.length);
                int job = (opened - 1) % subscribes.length;
                int node = failover ? 0 : (opened - 1) % servers.length;
                Conn c = new Conn(ch, subscribes[job], job, node);
                conns.add(c);
                if (ch.connect(servers[node])) {
                    onConnected(c, ch.register(selector, 0, c));
                } else {
                    ch.register(selector, SelectionKey.OP_CONNECT, c);
                }
            } catch (IOException | RuntimeException e) {
                count(failures, e.getClass().getSimpleName() + ": " + e.getMessage());
                failed++;
                if (ch != null) {
                    try {
                        ch.close();
                    } catch (IOException ignored) {
                        // failed anyway
                    }
                }
            }
        }
    }

    /** Failover mode: the watchers the killed node dropped connect to the other node and resume where they were. */
    private void openResumes() {
        while (!resumeQueue.isEmpty() && resumesOpened - resumed - resumeFailed < inflightMax) {
            Conn old = resumeQueue.poll();
            resumesOpened++;
            SocketChannel ch = null;
            try {
                ch = SocketChannel.open();
                ch.configureBlocking(false);
                ch.setOption(StandardSocketOptions.TCP_NODELAY, true);
                bindNextPort(ch, resumesOpened % sources.length);
                byte[] subscribe = masked("{\"type\":\"subscribe\",\"job\":\"" + ids[old.job] + "\",\"token\":\""
                        + tokens[old.job] + "\",\"since\":" + old.lastSeq + "}");
                Conn c = new Conn(ch, subscribe, old.job, 1);
                c.resume = true;
                c.lastSeq = old.lastSeq;
                conns.add(c);
                if (ch.connect(servers[1])) {
                    onConnected(c, ch.register(selector, 0, c));
                } else {
                    ch.register(selector, SelectionKey.OP_CONNECT, c);
                }
            } catch (IOException | RuntimeException e) {
                count(failures, "resume: " + e.getClass().getSimpleName() + ": " + e.getMessage());
                resumeFailed++;
                if (ch != null) {
                    try {
                        ch.close();
                    } catch (IOException ignored) {
                        // failed anyway
                    }
                }
            }
        }
    }

    /**
     * Binds to the next free port of a source address, chosen here: {@code bind} to port 0 makes Linux search for a
     * port no socket uses at all (it cannot know the destination yet), which cost this client a whole core at 5 000
     * connections (the connect rate then measured the client, not the server). Ports cycle through the range, so a
     * storm's new connections do not meet the TIME_WAIT of the old ones (loopback allows reusing those anyway).
     */
    private void bindNextPort(SocketChannel ch, int source) throws IOException {
        ch.setOption(StandardSocketOptions.SO_REUSEADDR, true);
        IOException last = null;
        for (int tries = 0; tries < 100; tries++) {
            int port = nextPort[source];
            nextPort[source] = port >= LAST_PORT ? FIRST_PORT : port + 1;
            try {
                ch.bind(new InetSocketAddress(sources[source].getAddress(), port));
                return;
            } catch (java.net.BindException e) {
                last = e;
            }
        }
        throw last;
    }

    private void onConnected(Conn c, SelectionKey key) throws IOException {
        InetSocketAddress to = servers[c.node];
        String request = "GET " + path + " HTTP/1.1\r\nHost: " + to.getHostString() + ":" + to.getPort()
                + "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: " + key()
                + "\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Protocol: jobpulse.v2, jobpulse.v1\r\n\r\n";
        writeFully(c, request.getBytes(StandardCharsets.ISO_8859_1));
        c.state = HANDSHAKE;
        key.interestOps(SelectionKey.OP_READ);
    }

    private void onRead(Conn c, SelectionKey key, long now) throws IOException {
        read.clear();
        if (c.partial != null) {
            read.put(c.partial);
            c.partial = null;
        }
        int got = c.ch.read(read);
        if (got < 0) {
            closed(c, key, "eof");
            return;
        }
        byte[] b = read.array();
        int end = read.position();
        int pos = 0;
        if (c.state == HANDSHAKE) {
            int h = indexOf(b, 0, end, HEADER_END);
            if (h < 0) {
                c.partial = Arrays.copyOf(b, end);
                return;
            }
            String status = new String(b, 0, Math.min(h, 16), StandardCharsets.ISO_8859_1);
            if (!status.startsWith("HTTP/1.1 101")) {
                fail(
                        c,
                        key,
                        "http " + status.substring(Math.min(9, status.length())).trim());
                return;
            }
            writeFully(c, c.subscribe);
            c.state = SUBSCRIBING;
            pos = h + 4;
        }
        while (end - pos >= 2 && c.state != CLOSED) {
            int b0 = b[pos] & 0xff;
            int len = b[pos + 1] & 0x7f;
            int header = 2;
            if (len == 126) {
                if (end - pos < 4) {
                    break;
                }
                len = ((b[pos + 2] & 0xff) << 8) | (b[pos + 3] & 0xff);
                header = 4;
            } else if (len == 127) {
                if (end - pos < 10) {
                    break;
                }
                long l = 0;
                for (int i = 0; i < 8; i++) {
                    l = (l << 8) | (b[pos + 2 + i] & 0xff);
                }
                if (l > 16 * 1024 * 1024) {
                    fail(c, key, "frame of " + l + " bytes");
                    return;
                }
                len = (int) l;
                header = 10;
            }
            if (end - pos < header + len) {
                break;
            }
            int opcode = b0 & 0x0f;
            boolean fin = (b0 & 0x80) != 0;
            int start = pos + header;
            pos = start + len;
            switch (opcode) {
                case 0x9 -> {
                    pong(c, b, start, len);
                    pings++;
                }
                case 0x8 -> {
                    int code = len >= 2 ? ((b[start] & 0xff) << 8) | (b[start + 1] & 0xff) : 1005;
                    String reason = len > 2 ? new String(b, start + 2, len - 2, StandardCharsets.UTF_8) : "";
                    closed(c, key, code + (reason.isEmpty() ? "" : " " + reason));
                    return;
                }
                case 0x1, 0x0 -> {
                    if (!fin || opcode == 0x0) {
                        byte[] prior = c.fragments == null ? new byte[0] : c.fragments;
                        byte[] joined = Arrays.copyOf(prior, prior.length + len);
                        System.arraycopy(b, start, joined, prior.length, len);
                        if (!fin) {
                            c.fragments = joined;
                        } else {
                            c.fragments = null;
                            onText(c, joined, 0, joined.length, now);
                        }
                    } else {
                        onText(c, b, start, len, now);
                    }
                }
                default -> {
                    // pong or binary: not expected, ignored
                }
            }
        }
        if (pos < end && c.state != CLOSED) {
            c.partial = Arrays.copyOfRange(b, pos, end);
        }
    }

    private void onText(Conn c, byte[] b, int off, int len, long now) {
        int to = off + len;
        int t = indexOf(b, off, to, TYPE);
        if (t < 0) {
            return;
        }
        if (b[t + TYPE.length] == 'b') { // batch: each inner message runs from its "type" to the next one's
            batches++;
            int inner = indexOf(b, t + TYPE.length, to, TYPE);
            while (inner >= 0) {
                int next = indexOf(b, inner + TYPE.length, to, TYPE);
                onMessage(c, b, inner, next < 0 ? to : next, now);
                inner = next;
            }
            return;
        }
        onMessage(c, b, t, to, now);
    }

    /** One message whose {@code "type":"} is at {@code t}, its fields before {@code to}. */
    private void onMessage(Conn c, byte[] b, int t, int to, long now) {
        int off = t;
        int len = to - t;
        t += TYPE.length;
        switch (b[t]) {
            case 's' -> {
                if (b[t + 1] == 'u' && c.state == SUBSCRIBING) { // subscribed
                    c.state = READY;
                    if (c.resume) {
                        resumed++;
                        lastResumeAt = now;
                    } else {
                        ready++;
                    }
                } else if (b[t + 1] == 'n') { // snapshot: the job view's seq is where its events go on from
                    int q = indexOf(b, off, to, SEQ);
                    if (q >= 0) {
                        c.lastSeq = number(b, q + SEQ.length);
                    }
                }
            }
            case 'e' -> {
                if (b[t + 1] == 'r') { // error
                    errors++;
                    if (firstError == null) {
                        firstError = new String(b, off, len, StandardCharsets.UTF_8);
                    }
                    return;
                }
                onEvent(c, b, off, to, now);
            }
            default -> {
                // snapshot, pong
            }
        }
    }

    private void onEvent(Conn c, byte[] b, int off, int to, long now) {
        long next = number(b, indexOf(b, off, to, SEQ) + SEQ.length);
        if (c.lastSeq > 0 && next != c.lastSeq + 1) {
            if (next <= c.lastSeq) {
                duplicates++;
            } else {
                int from = indexOf(b, off, to, SKIPPED_FROM);
                if (from < 0 || number(b, from + SKIPPED_FROM.length) != c.lastSeq + 1) {
                    gaps++;
                }
            }
        }
        c.lastSeq = Math.max(c.lastSeq, next);
        if (failover
                && c.resume
                && runningAgainAt[c.job] == 0
                && indexOf(b, off, to, KIND_STATE) >= 0
                && indexOf(b, off, to, RUNNING) >= 0) {
            // the job's new run: a watcher that resumed after the kill only gets events after where it was
            runningAgainAt[c.job] = now;
            jobsRunningAgain++;
        }
        if (overload) {
            onOverloadEvent(c, b, off, to, now);
            return;
        }
        int seq = (int) number(b, indexOf(b, off, to, SEQ) + SEQ.length);
        boolean state = indexOf(b, off, to, KIND_STATE) >= 0;
        EventStats e = events.get(seq);
        if (e == null) {
            int d = indexOf(b, off, to, DONE);
            long done = d < 0 ? 0 : number(b, d + DONE.length);
            e = new EventStats(at(b, indexOf(b, off, to, AT) + AT.length), !state && done >= 1, state, servers.length);
            events.put(seq, e);
        }
        e.add(now);
        if (e.step) {
            stepLatencyByNode[c.node].add(now - e.at);
            if (e.firstByNode[c.node] == 0) {
                e.firstByNode[c.node] = now;
            }
        }
        deliveries++;
        if (indexOf(b, off, to, SKIPPED) >= 0) {
            skippedEvents++;
        }
        if (state && indexOf(b, off, to, SUCCEEDED) >= 0 && c.state == READY) {
            c.state = FINISHED;
            finished++;
        }
    }

    /** Overload mode: every job's events, counted by age on receipt; a terminal event ends the watcher. */
    private void onOverloadEvent(Conn c, byte[] b, int off, int to, long now) {
        deliveries++;
        if (indexOf(b, off, to, SKIPPED) >= 0) {
            skippedEvents++;
        }
        if (indexOf(b, off, to, KIND_PROGRESS) >= 0) {
            long at = at(b, indexOf(b, off, to, AT) + AT.length);
            if (measuring) {
                // the view at the window's end: what arrives after it does not count
                c.latestAt = Math.max(c.latestAt, at);
                staleness.add(now - at);
                jobsReporting[c.job] = true;
                if (jobNode.length > 0 && jobNode[c.job] >= 0) {
                    (jobNode[c.job] == c.node ? stalenessLocal : stalenessCross).add(now - at);
                }
            }
        } else if ((indexOf(b, off, to, CANCELLED) >= 0 || indexOf(b, off, to, SUCCEEDED) >= 0) && c.state == READY) {
            c.state = FINISHED;
            finished++;
        }
    }

    /** The storm: every watcher goes away (close frame 1001, as a browser leaving) and connects again at once. */
    private void dropAll() {
        for (Conn c : conns) {
            try {
                if (c.ch.isConnected()) {
                    c.ch.write(ByteBuffer.wrap(masked(0x88, new byte[] {0x03, (byte) 0xE9})));
                }
                c.ch.close();
            } catch (IOException ignored) {
                // going anyway
            }
        }
        conns.clear();
        opened = 0;
        failed = 0;
        dropped = 0;
        finished = 0;
        ready = 0;
        stormPending = false;
    }

    private void pong(Conn c, byte[] b, int start, int len) throws IOException {
        byte[] f = new byte[6 + len];
        f[0] = (byte) 0x8A;
        f[1] = (byte) (0x80 | len);
        System.arraycopy(MASK, 0, f, 2, 4);
        for (int i = 0; i < len; i++) {
            f[6 + i] = (byte) (b[start + i] ^ MASK[i & 3]);
        }
        writeFully(c, f);
    }

    private void writeFully(Conn c, byte[] bytes) throws IOException {
        ByteBuffer out = ByteBuffer.wrap(bytes);
        for (int tries = 0; out.hasRemaining(); tries++) {
            c.ch.write(out);
            if (out.hasRemaining()) {
                if (tries > 1000) {
                    throw new IOException("send buffer stays full");
                }
                Thread.onSpinWait();
            }
        }
    }

    private void closed(Conn c, SelectionKey key, String code) {
        count(closes, code);
        int was = c.state;
        c.state = CLOSED;
        key.cancel();
        try {
            c.ch.close();
        } catch (IOException ignored) {
            // closed anyway
        }
        if (was == READY) {
            dropped++;
            resumeLater(c);
        } else if (was < READY) {
            if (c.resume) {
                resumeFailed++;
            } else {
                failed++;
            }
            count(failures, "closed " + code + " before subscribed");
        }
    }

    private void fail(Conn c, SelectionKey key, String why) {
        count(failures, why);
        int was = c == null ? CONNECTING : c.state;
        if (c != null) {
            c.state = CLOSED;
            try {
                c.ch.close();
            } catch (IOException ignored) {
                // failed anyway
            }
        }
        key.cancel();
        if (was == READY) {
            dropped++;
            resumeLater(c);
        } else if (was < READY) {
            if (c != null && c.resume) {
                resumeFailed++;
            } else {
                failed++;
            }
        }
    }

    /** Failover mode: a watcher of the killed node goes to the other (on the selector thread, as all of these). */
    private void resumeLater(Conn c) {
        if (failover && killed && c != null && !c.resume) {
            resumeQueue.add(c);
        }
    }

    // ---------------------------------------------------------------------------------------------------- parsing

    private static long number(byte[] b, int i) {
        long v = 0;
        while (b[i] >= '0' && b[i] <= '9') {
            v = v * 10 + (b[i++] - '0');
        }
        return v;
    }

    /** Epoch ms of {@code yyyy-MM-ddTHH:mm:ss[.SSS]Z} at {@code i}. */
    static long at(byte[] b, int i) {
        int y = (int) digits(b, i, 4);
        int mo = (int) digits(b, i + 5, 2);
        int d = (int) digits(b, i + 8, 2);
        long secs = digits(b, i + 11, 2) * 3600 + digits(b, i + 14, 2) * 60 + digits(b, i + 17, 2);
        long ms = 0;
        if (b[i + 19] == '.') {
            int k = i + 20;
            int scale = 100;
            while (b[k] >= '0' && b[k] <= '9') {
                ms += (b[k++] - '0') * (long) scale;
                scale /= 10;
            }
        }
        y -= mo <= 2 ? 1 : 0;
        int era = (y >= 0 ? y : y - 399) / 400;
        int yoe = y - era * 400;
        int doy = (153 * (mo + (mo > 2 ? -3 : 9)) + 2) / 5 + d - 1;
        int doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
        long days = era * 146097L + doe - 719468;
        return (days * 86400 + secs) * 1000 + ms;
    }

    private static long digits(byte[] b, int i, int count) {
        long v = 0;
        for (int k = 0; k < count; k++) {
            v = v * 10 + (b[i + k] - '0');
        }
        return v;
    }

    private static int indexOf(byte[] b, int from, int to, byte[] pattern) {
        outer:
        for (int i = from; i <= to - pattern.length; i++) {
            for (int k = 0; k < pattern.length; k++) {
                if (b[i + k] != pattern[k]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    private static byte[] masked(String text) {
        return masked(0x81, bytes(text));
    }

    /** A masked frame with this first byte (FIN and opcode) and payload (less than 64 KiB). */
    private static byte[] masked(int first, byte[] payload) {
        int header = payload.length < 126 ? 2 : 4;
        byte[] f = new byte[header + 4 + payload.length];
        f[0] = (byte) first;
        if (header == 2) {
            f[1] = (byte) (0x80 | payload.length);
        } else {
            f[1] = (byte) (0x80 | 126);
            f[2] = (byte) (payload.length >>> 8);
            f[3] = (byte) payload.length;
        }
        System.arraycopy(MASK, 0, f, header, 4);
        for (int i = 0; i < payload.length; i++) {
            f[header + 4 + i] = (byte) (payload[i] ^ MASK[i & 3]);
        }
        return f;
    }

    private static String key() {
        byte[] k = new byte[16];
        ThreadLocalRandom.current().nextBytes(k);
        return java.util.Base64.getEncoder().encodeToString(k);
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static void count(Map<String, Integer> counts, String key) {
        synchronized (counts) {
            counts.merge(key.length() > 120 ? key.substring(0, 120) : key, 1, Integer::sum);
        }
    }

    // ---------------------------------------------------------------------------------------------------- HTTP

    private Map<String, Object> serverStats(boolean jobpulse) throws Exception {
        if (!jobpulse) {
            return Json.object(get("/ctl/stats"));
        }
        // GET /api/node collects garbage at most once every 5 s: ask until it did
        for (int i = 0; ; i++) {
            Map<String, Object> node = Json.object(get("/jobpulse/api/node?gc=true"));
            if (Boolean.TRUE.equals(node.get("gc")) || i >= 12) {
                return node;
            }
            Thread.sleep(500);
        }
    }

    private void awaitRunning(String id) throws Exception {
        for (int i = 0; i < 200; i++) {
            if ("RUNNING".equals(Json.object(get("/jobpulse/api/jobs/" + id)).get("state"))) {
                return;
            }
            Thread.sleep(50);
        }
        throw new IllegalStateException("the blocker job " + id + " did not start");
    }

    /** How many of the bench client's jobs are in {@code state} now (the list API, page by page). */
    private int countJobs(String state) throws Exception {
        int count = 0;
        String cursor = null;
        do {
            Map<String, Object> page = Json.object(get(
                    "/jobpulse/api/jobs?state=" + state + "&limit=100" + (cursor == null ? "" : "&cursor=" + cursor)));
            count += ((List<?>) page.get("jobs")).size();
            cursor = page.get("nextCursor") instanceof String next ? next : null;
        } while (cursor != null);
        return count;
    }

    /** The previous measurement's connections may still be closing on the server. */
    private void awaitNoConnections() throws Exception {
        for (int i = 0; i < 300; i++) {
            Object open = Json.object(get("/jobpulse/api/node")).get("webSocketConnections");
            if (open instanceof Number count && count.intValue() == 0) {
                return;
            }
            Thread.sleep(100);
        }
    }

    private Map<String, Object> submit(String body) throws Exception {
        return Json.object(post("/jobs", body));
    }

    private String post(String apiPath, String body) throws IOException {
        return http("POST", "/jobpulse/api" + apiPath, body);
    }

    private String get(String target) throws IOException {
        return http("GET", target, null);
    }

    private String http(String method, String target, String body) throws IOException {
        return Http.request(restPort, method, target, body, args.get("apiKey"));
    }

    // ---------------------------------------------------------------------------------------------------- CPU

    /**
     * CPU seconds of the server, this client, the benchmark's other (idle) processes and the whole machine, and how
     * long the server's and this client's threads had waited runnable for a CPU ({@link Proc#runQueueNanos}; after
     * {@link #minus}, the seconds between the two readings: {@code serverQueued}, {@code clientQueued}; -1 before).
     */
    private record Cpu(
            double server,
            double client,
            double bench,
            double machine,
            double steal,
            Map<Long, Long> serverQueue,
            Map<Long, Long> clientQueue,
            double serverQueued,
            double clientQueued,
            long nanos) {

        static Cpu now(long serverPid, Map<String, String> args) {
            double bench = 0;
            for (String pid : args.getOrDefault("benchPids", "").split(",")) {
                if (!pid.isBlank()) {
                    bench += Math.max(0, Proc.cpuSeconds(Long.parseLong(pid.trim())));
                }
            }
            double[] m = Proc.machine();
            return new Cpu(
                    Proc.cpuSeconds(serverPid),
                    Proc.cpuSeconds(ProcessHandle.current().pid()),
                    bench,
                    m[0],
                    m[1],
                    Proc.runQueueNanos(serverPid),
                    Proc.runQueueNanos(ProcessHandle.current().pid()),
                    -1,
                    -1,
                    System.nanoTime());
        }

        Cpu minus(Cpu o) {
            return new Cpu(
                    server - o.server,
                    client - o.client,
                    bench - o.bench,
                    machine - o.machine,
                    steal - o.steal,
                    serverQueue,
                    clientQueue,
                    Proc.runQueueSecondsBetween(o.serverQueue, serverQueue),
                    Proc.runQueueSecondsBetween(o.clientQueue, clientQueue),
                    nanos - o.nanos);
        }

        void into(Map<String, Object> r, String phase) {
            r.put(phase + "WallSeconds", nanos / 1e9);
            r.put(phase + "ServerCpuSeconds", server);
            r.put(phase + "ClientCpuSeconds", client);
            r.put(phase + "BenchIdleCpuSeconds", bench);
            r.put(phase + "ForeignCpuSeconds", Math.max(0, machine - server - client - bench));
            r.put(phase + "StealSeconds", steal);
            r.put(phase + "ServerRunQueueSeconds", serverQueued < 0 ? null : serverQueued);
            r.put(phase + "ClientRunQueueSeconds", clientQueued < 0 ? null : clientQueued);
        }
    }
}
