package io.jobpulse.it;

import static org.assertj.core.api.Assertions.assertThat;

import jakarta.json.JsonObject;
import java.net.URI;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A well-behaved watcher on the node under test, and the node's own figures, around hostile input: it watches a
 * StepsJob that reports a step every 100 ms, measures the gaps between the events it receives in a quiet phase
 * first and then during each hostile phase, and reads {@code GET /api/node} (after a GC) before and after. The
 * hostile-input ITs assert through it that the node stays bounded and keeps serving everybody else on time.
 */
final class Bystander implements AutoCloseable {

    /** The longest gap between two events of the watched job (100 ms apart when all is well) that still passes. */
    static final Duration MAX_GAP = Duration.ofSeconds(5);
    /** Growth of the heap in use, measured after a GC, that still passes. */
    static final long HEAP_SLACK_BYTES = 96L * 1024 * 1024;
    /**
     * More live threads than at the start that still pass (containers grow their pools under load, within bounds).
     * Payara's HTTP worker pool holds a thread per stalled request until its timeout: 200 half-sent handshakes
     * added 16 to 135 threads from run to run; the bound is the pool's, not JobPulse's.
     */
    static final int THREAD_SLACK = "payara".equals(ServerProcess.kind()) ? 300 : 100;

    private static final Duration QUIET_PHASE = Duration.ofSeconds(3);
    private static final Duration PING_EVERY = Duration.ofSeconds(15);

    private final ApiClient api;
    private final WsClient client;
    private final String job;
    private final Node before;
    private final List<Long> arrivals = new CopyOnWriteArrayList<>();
    private final AtomicReference<String> trouble = new AtomicReference<>();
    private final Thread reader;
    private final double quietMeanGapMillis;
    private final long quietMaxGapMillis;
    private final List<String> phases = new ArrayList<>();
    private volatile boolean stopping;
    private long worstGapMillis;
    private double worstRatio;
    private int phaseStart;
    private long phaseStartNanos;

    private Bystander(ApiClient api, URI ws) throws Exception {
        this.api = api;
        this.before = Node.read(api, true);
        JsonObject submitted = api.submit("{\"type\":\"steps\",\"params\":{\"count\":100000,\"intervalMs\":100}}");
        job = submitted.getString("id");
        client = WsClient.connect(ws);
        client.subscribe(job, submitted.getString("watchToken"));
        assertThat(client.next().getString("type"))
                .as("bystander's first answer")
                .isEqualTo("subscribed");
        assertThat(client.next().getString("type"))
                .as("bystander's second answer")
                .isEqualTo("snapshot");
        reader = new Thread(this::read, "bystander-" + job);
        reader.setDaemon(true);
        reader.start();
        api.awaitJob(job, j -> j.getString("state").equals("RUNNING"), Duration.ofSeconds(20));
        int first = arrivals.size();
        Thread.sleep(QUIET_PHASE.toMillis());
        List<Long> quiet = gaps(first, arrivals.size());
        if (quiet.size() < 10) {
            throw new AssertionError(
                    "the bystander saw only " + quiet.size() + " gaps in its quiet phase of " + QUIET_PHASE);
        }
        quietMeanGapMillis = quiet.stream().mapToLong(Long::longValue).average().orElseThrow();
        quietMaxGapMillis = quiet.stream().mapToLong(Long::longValue).max().orElseThrow();
    }

    /** Starts a watcher of a new StepsJob of {@code api}'s client and measures its quiet baseline (about 3 s). */
    static Bystander start(ApiClient api, URI ws) throws Exception {
        return new Bystander(api, ws);
    }

    /** The hostile phase called {@code name} begins now. */
    synchronized void hostilePhase(String name) {
        phases.add(name);
        phaseStart = arrivals.size();
        phaseStartNanos = System.nanoTime();
    }

    /**
     * Asserts that since {@link #hostilePhase} the watcher stayed connected and saw every event of its job in
     * order with no gap over {@link #MAX_GAP} (counting the time since its last event), and that the node's
     * thread count stayed bounded. Answers the worst gap of the phase.
     */
    synchronized long assertServedOnTime() throws Exception {
        String name = phases.get(phases.size() - 1);
        assertThat(trouble.get()).as("bystander during " + name).isNull();
        assertThat(client.isOpen())
                .as("bystander still connected after " + name)
                .isTrue();
        long now = System.nanoTime();
        List<Long> phaseGaps = gaps(Math.max(0, phaseStart - 1), arrivals.size());
        long last = arrivals.isEmpty() ? phaseStartNanos : arrivals.get(arrivals.size() - 1);
        phaseGaps.add(TimeUnit.NANOSECONDS.toMillis(now - Math.max(last, phaseStartNanos)));
        long worst = phaseGaps.stream().mapToLong(Long::longValue).max().orElseThrow();
        worstGapMillis = Math.max(worstGapMillis, worst);
        worstRatio = Math.max(worstRatio, worst / quietMeanGapMillis);
        assertThat(worst)
                .as("longest gap (ms) between the bystander's events during " + name + " (quiet mean "
                        + Math.round(quietMeanGapMillis) + " ms)")
                .isLessThanOrEqualTo(MAX_GAP.toMillis());
        Node now2 = Node.read(api, false);
        assertThat(now2.threads())
                .as("threads after " + name + " (before: " + before.threads() + ")")
                .isLessThanOrEqualTo(before.threads() + THREAD_SLACK);
        return worst;
    }

    /**
     * Ends the run: asserts the heap after a GC and the thread count stayed within their slack of the start, and
     * answers the figures as ratios to the quiet baseline.
     */
    Figures finish() throws Exception {
        double allMeanGap = gaps(0, arrivals.size()).stream()
                .mapToLong(Long::longValue)
                .average()
                .orElse(0);
        Node after = Node.read(api, true);
        Figures figures = new Figures(
                before, after, quietMeanGapMillis, quietMaxGapMillis, allMeanGap, worstGapMillis, worstRatio);
        assertThat(trouble.get()).as("bystander").isNull();
        assertThat(after.heapUsedBytes())
                .as("heap in use after a GC, at the end (" + figures + ")")
                .isLessThanOrEqualTo(before.heapUsedBytes() + HEAP_SLACK_BYTES);
        assertThat(after.threads())
                .as("threads at the end (" + figures + ")")
                .isLessThanOrEqualTo(before.threads() + THREAD_SLACK);
        return figures;
    }

    @Override
    public void close() throws Exception {
        stopping = true;
        reader.interrupt();
        reader.join(5000);
        client.close();
        api.post("api/jobs/" + job + "/cancel", "");
    }

    private List<Long> gaps(int from, int to) {
        List<Long> gaps = new ArrayList<>();
        for (int i = Math.max(1, from + 1); i < to; i++) {
            gaps.add(TimeUnit.NANOSECONDS.toMillis(arrivals.get(i) - arrivals.get(i - 1)));
        }
        return gaps;
    }

    private void read() {
        long lastSeq = -1;
        long lastPing = System.nanoTime();
        try {
            while (!stopping) {
                if (System.nanoTime() - lastPing > PING_EVERY.toNanos()) {
                    client.send("{\"type\":\"ping\",\"id\":\"bystander\"}");
                    lastPing = System.nanoTime();
                }
                JsonObject message = client.poll(Duration.ofMillis(200));
                if (message == null) {
                    if (!client.isOpen()) {
                        trouble.compareAndSet(null, "the server closed the bystander's connection");
                        return;
                    }
                    continue;
                }
                switch (message.getString("type")) {
                    case "event" -> {
                        long seq = message.getJsonNumber("seq").longValue();
                        if (seq <= lastSeq) {
                            trouble.compareAndSet(null, "event seq " + seq + " after " + lastSeq);
                        }
                        lastSeq = seq;
                        arrivals.add(System.nanoTime());
                        if (!"RUNNING".equals(message.getString("state"))) {
                            trouble.compareAndSet(null, "the bystander's job left RUNNING: " + message);
                        }
                    }
                    case "pong" -> {}
                    default -> trouble.compareAndSet(null, "unexpected message to the bystander: " + message);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception | AssertionError e) {
            if (!stopping) {
                trouble.compareAndSet(null, "bystander failed: " + e);
            }
        }
    }

    /** {@code GET /api/node}, optionally after a GC (the server collects at most once every 5 s, so this waits). */
    record Node(long heapUsedBytes, long heapMaxBytes, int threads, int webSocketConnections) {

        static Node read(ApiClient api, boolean gc) throws InterruptedException {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(gc ? 12 : 0);
            while (true) {
                HttpResponse<String> response = api.get("api/node" + (gc ? "?gc=true" : ""));
                assertThat(response.statusCode())
                        .as("GET /api/node: " + response.body())
                        .isEqualTo(200);
                JsonObject node = Json.parse(response.body());
                if (!gc || node.getBoolean("gc") || System.nanoTime() > deadline) {
                    if (gc && !node.getBoolean("gc")) {
                        throw new AssertionError("GET /api/node?gc=true never collected within 12 s");
                    }
                    return new Node(
                            node.getJsonNumber("heapUsedBytes").longValue(),
                            node.getJsonNumber("heapMaxBytes").longValue(),
                            node.getInt("threads"),
                            node.getInt("webSocketConnections"));
                }
                Thread.sleep(500);
            }
        }
    }

    /** The run's figures: heap and threads before and after, the bystander's gaps as ratios to its quiet phase. */
    record Figures(
            Node before,
            Node after,
            double quietMeanGapMillis,
            long quietMaxGapMillis,
            double meanGapMillis,
            long worstGapMillis,
            double worstGapRatio) {

        @Override
        public String toString() {
            return String.format(
                    java.util.Locale.ROOT,
                    "heap %d -> %d MiB (x%.2f), threads %d -> %d (x%.2f), ws connections %d -> %d, "
                            + "bystander gaps: quiet mean %.0f ms / max %d ms; whole run mean %.0f ms (x%.2f); "
                            + "worst hostile gap %d ms (x%.1f of the quiet mean)",
                    before.heapUsedBytes() >> 20,
                    after.heapUsedBytes() >> 20,
                    (double) after.heapUsedBytes() / before.heapUsedBytes(),
                    before.threads(),
                    after.threads(),
                    (double) after.threads() / before.threads(),
                    before.webSocketConnections(),
                    after.webSocketConnections(),
                    quietMeanGapMillis,
                    quietMaxGapMillis,
                    meanGapMillis,
                    meanGapMillis / quietMeanGapMillis,
                    worstGapMillis,
                    worstGapRatio);
        }
    }
}
