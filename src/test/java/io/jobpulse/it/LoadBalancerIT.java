package io.jobpulse.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import jakarta.json.JsonObject;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * server-config/haproxy/haproxy.cfg, as shipped, in front of two JobPulse nodes: Debian's haproxy with the file's
 * environment variables pointing at two Tomcats ({@link TomcatProcess}) and a free frontend port. Through the proxy:
 * REST reaches both nodes and keeps the Host (the API's links and the WebSocket's same-origin check use it); a
 * WebSocket upgrades and gets a job's events to the end; an SSE stream's events arrive while the job runs, not held
 * back until it ends; and a node stopped gracefully is marked DOWN by the readiness check while every request of a
 * series that runs throughout keeps succeeding, after which the survivor answers every request.
 *
 * <p>It checks the proxy, not a cluster: each node has its own embedded H2 database (distinct {@code node-id} and
 * {@code data-dir}, the same API key and token secret), so the WebSocket and SSE tests drain the second node through
 * haproxy's admin socket for their duration, and a job is then always on the node that serves its watcher.
 *
 * <p>Runs once, in the Tomcat execution (what it checks is haproxy's and the readiness probe's, which HealthIT checks
 * on every server); skipped, visibly, elsewhere and where haproxy is not installed ({@code .ci/run} installs it).
 */
@ContainerIndependent
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class LoadBalancerIT {

    private static final Logger LOG = Logger.getLogger(LoadBalancerIT.class.getName());
    private static final Path CONFIG = Path.of("server-config", "haproxy", "haproxy.cfg");
    private static final String BACKEND = "jobpulse_nodes";
    private static final String NODE_1 = "lb-node-1";
    private static final String NODE_2 = "lb-node-2";
    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(20);

    private static TomcatProcess node1;
    private static TomcatProcess node2;
    private static HaproxyProcess haproxy;
    private static URI proxy;
    private static ApiClient alice;

    @BeforeAll
    static void startTwoNodesBehindHaproxy() throws Exception {
        assumeTrue(
                "tomcat".equals(ServerProcess.kind()) && System.getProperty("tomcat.catalinaHome") != null,
                "runs in the tomcat profile only (mvn verify -Ptomcat): its nodes are Tomcats");
        Optional<Path> executable = HaproxyProcess.executable();
        assumeTrue(
                executable.isPresent(),
                "haproxy is not installed (apt-get install haproxy; .ci/run installs it): LoadBalancerIT skipped");
        Path workDir = Files.createDirectories(Path.of("target", "lb-it")).toAbsolutePath();
        long started = System.nanoTime();
        node1 = TomcatProcess.start(workDir, settings(workDir, NODE_1), 0);
        node2 = TomcatProcess.start(workDir, settings(workDir, NODE_2), 0);
        int frontend = PayaraMicroProcess.freePort();
        haproxy = HaproxyProcess.start(
                executable.get(),
                CONFIG.toAbsolutePath(),
                Map.of(
                        "JOBPULSE_NODE1", "127.0.0.1:" + node1.port(),
                        "JOBPULSE_NODE2", "127.0.0.1:" + node2.port(),
                        "JOBPULSE_LB_BIND", "127.0.0.1:" + frontend),
                frontend,
                workDir);
        awaitStatus("node1", "UP");
        awaitStatus("node2", "UP");
        proxy = URI.create("http://127.0.0.1:" + frontend + "/jobpulse/");
        alice = new ApiClient(proxy, ApiClient.ALICE);
        LOG.info(() -> "Two Tomcat nodes behind haproxy in " + Duration.ofNanos(System.nanoTime() - started));
    }

    @AfterAll
    static void stopAll() throws Exception {
        try {
            if (haproxy != null) {
                haproxy.close();
            }
        } finally {
            try {
                if (node1 != null) {
                    node1.close();
                }
            } finally {
                if (node2 != null) {
                    node2.close();
                }
            }
        }
    }

    @Test
    @Order(1)
    void restThroughTheProxyReachesBothNodesKeepsTheHostAndSubmits() throws Exception {
        Set<String> answered = new HashSet<>();
        for (int i = 0; i < 10; i++) {
            answered.add(nodeOf(alice.get("api/node")));
        }
        assertThat(answered).as("leastconn alternates between idle nodes").containsExactlyInAnyOrder(NODE_1, NODE_2);

        HttpResponse<String> submitted = alice.post("api/jobs", "{\"type\":\"steps\",\"params\":{\"count\":1}}");
        assertThat(submitted.statusCode()).isEqualTo(202);
        JsonObject job = Json.parse(submitted.body());
        assertThat(job.getString("state")).isEqualTo("QUEUED");
        assertThat(job.getJsonObject("links").getString("self"))
                .as("the node saw the proxy's Host")
                .isEqualTo(proxy + "api/jobs/" + job.getString("id"));
        assertThat(job.getJsonObject("links").getString("watch"))
                .isEqualTo(alice.wsUri().toString());
    }

    @Test
    @Order(2)
    void aWebSocketThroughTheProxyGetsEveryEventOfAJobToTheEnd() throws Exception {
        onlyNode1(() -> {
            JsonObject job = alice.submit("{\"type\":\"steps\",\"params\":{\"count\":5,\"intervalMs\":100}}");
            String id = job.getString("id");
            try (WsClient ws = WsClient.connect(alice.wsUri())) {
                assertThat(ws.subprotocol()).isEqualTo("jobpulse.v1");
                ws.subscribe(id, job.getString("watchToken"), 0);
                List<JsonObject> messages = ws.untilTerminal(id);
                assertThat(messages.get(0).getString("type")).isEqualTo("subscribed");
                List<JsonObject> events = messages.subList(1, messages.size());
                assertThat(events)
                        .allSatisfy(e -> assertThat(e.getString("type")).isEqualTo("event"));
                assertThat(events)
                        .extracting(e -> e.getInt("seq"))
                        .as("every event once, in order")
                        .containsExactlyElementsOf(range(1, events.size()));
                assertThat(events.get(0).getString("state")).isEqualTo("QUEUED");
                JsonObject last = events.get(events.size() - 1);
                assertThat(last.getString("state")).isEqualTo("SUCCEEDED");
                assertThat(last.getJsonObject("result").getInt("steps")).isEqualTo(5);
            }
        });
    }

    @Test
    @Order(3)
    void sseEventsPassTheProxyWhileTheJobRunsNotBufferedUntilItsEnd() throws Exception {
        onlyNode1(() -> {
            // 20 steps 200 ms apart: the job runs for about 4 s
            JsonObject job = alice.submit("{\"type\":\"steps\",\"params\":{\"count\":20,\"intervalMs\":200}}");
            String id = job.getString("id");
            ApiClient direct = new ApiClient(node1.base(), ApiClient.ALICE);
            URI stream = proxy.resolve("api/jobs/" + id + "/stream?since=0&token="
                    + URLEncoder.encode(job.getString("watchToken"), StandardCharsets.UTF_8));
            try (SseClient sse = SseClient.open(stream, null)) {
                assertThat(sse.status()).isEqualTo(200);
                assertThat(sse.contentType()).startsWith("text/event-stream");
                assertThat(sse.next().data().getString("type")).isEqualTo("subscribed");
                List<SseClient.Message> events = new ArrayList<>();
                SseClient.Message early;
                do {
                    early = sse.next();
                    events.add(early);
                } while (early.data().getJsonObject("progress").getInt("done") < 2
                        && !isTerminal(early.data().getString("state")));
                assertThat(early.data().getString("state"))
                        .as("an event of step 2 came through while the job ran")
                        .isEqualTo("RUNNING");
                assertThat(direct.job(id).getString("state"))
                        .as("the job still runs on its node when its step-2 event has passed the proxy")
                        .isEqualTo("RUNNING");
                events.addAll(sse.untilEnd());
                assertThat(events)
                        .extracting(m -> m.data().getInt("seq"))
                        .containsExactlyElementsOf(range(1, events.size()));
                assertThat(events.get(events.size() - 1).data().getString("state"))
                        .isEqualTo("SUCCEEDED");
            }
        });
    }

    @Test
    @Order(4)
    void aNodeStoppedGracefullyIsMarkedDownAndRequestsKeepSucceedingOnTheOther() throws Exception {
        assertThat(status(node1.base().resolve("health/ready"))).isEqualTo(200);
        try (Series series = Series.start(proxy.resolve("api/node"))) {
            Await.until(
                    "the series to be answered by both nodes",
                    WAIT,
                    () -> series.nodes().containsAll(List.of(NODE_1, NODE_2)));
            long stopping = System.nanoTime();
            node1.stopGracefully();
            Duration stopped = Duration.ofNanos(System.nanoTime() - stopping);
            awaitStatus("node1", "DOWN");
            Duration markedDown = Duration.ofNanos(System.nanoTime() - stopping);
            int before = series.outcomes().size();
            Await.until(
                    "10 more requests of the series after node1 was marked down",
                    WAIT,
                    () -> series.outcomes().size() >= before + 10);
            List<Outcome> outcomes = series.stop();
            LOG.info(() -> "node1 stopped in " + stopped + ", seen DOWN in haproxy " + markedDown
                    + " after SIGTERM; the series made " + outcomes.size() + " requests");
            assertThat(outcomes)
                    .as("every request of the series, before, during and after the stop")
                    .allSatisfy(o -> assertThat(o.status()).as(o.toString()).isEqualTo(200));
            assertThat(outcomes.subList(before, outcomes.size()))
                    .as("once marked down, node1 gets nothing")
                    .allSatisfy(o -> assertThat(o.node()).isEqualTo(NODE_2));
        }
        for (int i = 0; i < 20; i++) {
            assertThat(nodeOf(alice.get("api/node"))).isEqualTo(NODE_2);
        }
        assertThat(haproxy.log()).contains("Server " + BACKEND + "/node1 is DOWN");
    }

    /** Runs {@code body} with node2 drained (haproxy sends it nothing new), so every request goes to node1. */
    private static void onlyNode1(ThrowingRunnable body) throws Exception {
        assertThat(haproxy.command("set server " + BACKEND + "/node2 state drain"))
                .isBlank();
        try {
            awaitStatus("node2", "DRAIN");
            body.run();
        } finally {
            haproxy.command("set server " + BACKEND + "/node2 state ready");
            awaitStatus("node2", "UP");
        }
    }

    private static Duration awaitStatus(String server, String status) throws Exception {
        return Await.until(
                "haproxy's status of " + server + " to be " + status,
                WAIT,
                () -> haproxy.status(BACKEND, server).equals(status));
    }

    private static List<String> settings(Path workDir, String nodeId) throws Exception {
        return List.of(
                "-Djobpulse.node-id=" + nodeId,
                "-Djobpulse.data-dir=" + Files.createTempDirectory(workDir, nodeId + "-data-"),
                "-Djobpulse.api-keys=alice:" + ApiClient.ALICE,
                "-Djobpulse.token-secret=load-balancer-test-secret-0123456789",
                "-Djobpulse.shutdown-grace=2s");
    }

    private static String nodeOf(HttpResponse<String> response) {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return Json.parse(response.body()).getString("node");
    }

    private static int status(URI uri) throws Exception {
        return HttpClient.newHttpClient()
                .send(
                        HttpRequest.newBuilder(uri).timeout(REQUEST_TIMEOUT).build(),
                        HttpResponse.BodyHandlers.discarding())
                .statusCode();
    }

    private static boolean isTerminal(String state) {
        return List.of("SUCCEEDED", "FAILED", "CANCELLED").contains(state);
    }

    private static List<Integer> range(int from, int count) {
        List<Integer> numbers = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            numbers.add(from + i);
        }
        return numbers;
    }

    @FunctionalInterface
    private interface ThrowingRunnable {
        void run() throws Exception;
    }

    /** One request of a {@link Series}: its status (0 when it failed) and the node that answered, or the failure. */
    record Outcome(int status, String node, String failure) {}

    /**
     * {@code GET <uri>} with alice's key, one request after the other on one client (kept-alive connections, as a
     * real client has) about every 20 ms, on a thread of its own, until stopped; at most 5 000 requests or 2 minutes.
     */
    private static final class Series implements AutoCloseable {
        private static final int MAX_REQUESTS = 5000;
        private static final Duration MAX_TIME = Duration.ofMinutes(2);
        private static final long PACE_MILLIS = 20;

        private final List<Outcome> outcomes = Collections.synchronizedList(new ArrayList<>());
        private final Set<String> nodes = Collections.synchronizedSet(new HashSet<>());
        private final AtomicBoolean stop = new AtomicBoolean();
        private final HttpClient http =
                HttpClient.newBuilder().connectTimeout(REQUEST_TIMEOUT).build();
        private final URI uri;
        private CompletableFuture<Void> running;

        private Series(URI uri) {
            this.uri = uri;
        }

        static Series start(URI uri) {
            Series series = new Series(uri);
            series.running = CompletableFuture.runAsync(series::run);
            return series;
        }

        Set<String> nodes() {
            synchronized (nodes) {
                return Set.copyOf(nodes);
            }
        }

        List<Outcome> outcomes() {
            synchronized (outcomes) {
                return List.copyOf(outcomes);
            }
        }

        /** Stops the requests and waits for the last one; every outcome in order. */
        List<Outcome> stop() throws Exception {
            stop.set(true);
            running.get(REQUEST_TIMEOUT.plusSeconds(5).toMillis(), TimeUnit.MILLISECONDS);
            return outcomes();
        }

        @Override
        public void close() {
            stop.set(true);
        }

        private void run() {
            long deadline = System.nanoTime() + MAX_TIME.toNanos();
            for (int i = 0; i < MAX_REQUESTS && !stop.get() && System.nanoTime() < deadline; i++) {
                outcomes.add(request());
                try {
                    Thread.sleep(PACE_MILLIS); // pacing of the series, not a wait for anything
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }

        private Outcome request() {
            try {
                HttpResponse<String> response = http.send(
                        HttpRequest.newBuilder(uri)
                                .timeout(REQUEST_TIMEOUT)
                                .header("Authorization", "Bearer " + ApiClient.ALICE)
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
                if (response.statusCode() != 200) {
                    return new Outcome(response.statusCode(), null, response.body());
                }
                String node = Json.parse(response.body()).getString("node");
                nodes.add(node);
                return new Outcome(200, node, null);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return new Outcome(0, null, e.toString());
            } catch (Exception e) {
                return new Outcome(0, null, e.toString());
            }
        }
    }
}
