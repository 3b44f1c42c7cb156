package io.jobpulse.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.logging.Logger;
import java.util.stream.Collectors;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * One cluster of three different servers on one PostgreSQL, as operators have it while they move a cluster from one
 * server to another one node at a time: a Payara Micro node (node-a, {@code --nocluster}), a WildFly node (node-b) and
 * a Tomcat node (node-c), each configured from server-config/ as in the single-server cluster ITs ({@link Cluster},
 * {@link ServerOnPostgres}). JobPulse's cluster is the database, not the container: jobs submitted through all three
 * nodes are claimed on all three servers and each runs once; a WebSocket watcher on each node gets every event of a job
 * running on another server, in order and with no gap, to its end; a cancel sent to one server stops the job on
 * another; every node lists all three; the Tomcat node stopped gracefully (the first step of moving it to another
 * server) hands its running job back and another server runs it to the end, watched with no gap.
 *
 * <p><b>Where it runs.</b> It starts all three servers itself, whichever failsafe execution runs it, so once per
 * {@code mvn verify} is all it takes: it is {@link ContainerIndependent @ContainerIndependent}, which runs in the
 * Tomcat 10.1 execution only (not on Payara or WildFly, not in .ci/run's Tomcat 11 pass). It needs every server as the
 * build leaves it in target/ ({@link ServerBuild}). In {@code mvn verify} with the default profiles (payara, tomcat and
 * wildfly) they are there whichever execution comes first: Maven runs every profile's package and pre-integration-test
 * executions before the integration-test phase. When one is missing (e.g. {@code mvn verify -Ptomcat} on a clean
 * target/) every test is skipped with a message that names it.
 *
 * <p><b>Alone</b>, the cheapest way: build every server once (about a minute: both WARs, the Payara Micro jar, Tomcat
 * and WildFly unpacked and configured, no test run) with {@code mvn -o pre-integration-test -DskipTests}, then
 * {@code mvn -o verify -Ptomcat -Dit.test=MixedClusterIT -Dtest=None -Dsurefire.failIfNoSpecifiedTests=false}.
 *
 * <p>The class boots the cluster once (the three servers in parallel; Payara Micro takes longest). The tests run in any
 * order: each submits its own jobs and waits for their end; the graceful stop ends the Tomcat node, and after each test
 * a node that is not running is started again under its node id ({@link Cluster#restart}: one Tomcat boot, 6 to 8 s
 * measured, 16 s on a loaded machine) and the cluster is made whole again ({@link Cluster#awaitWhole}: every node
 * ready, listening, and listing all three). {@code jobpulse.max-running-jobs=2} keeps one node from taking all the
 * work.
 */
@ContainerIndependent
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class MixedClusterIT {

    private static final Logger LOG = Logger.getLogger(MixedClusterIT.class.getName());
    private static final int MAX_RUNNING_PER_NODE = 2;
    private static final Duration WAIT = Duration.ofSeconds(90);
    private static final List<String> TERMINAL = List.of("SUCCEEDED", "FAILED", "CANCELLED");
    /** What each server writes to its log at start: proof that the node is the server it says. */
    private static final Map<String, String> BANNER = Map.of(
            ServerBuild.PAYARA, "Payara Micro ",
            ServerBuild.WILDFLY, "WFLYSRV0025: WildFly ",
            ServerBuild.TOMCAT, "Apache Tomcat/");

    private Cluster cluster;
    /** Why the class cannot run here (a server the build has not prepared), or null. */
    private String cannotRun;

    @BeforeAll
    void boot() throws Exception {
        List<String> missing = ServerBuild.KINDS.stream()
                .flatMap(kind -> ServerBuild.of(kind).missing().stream())
                .toList();
        if (!missing.isEmpty()) {
            cannotRun = "MixedClusterIT skipped: it starts a Payara Micro, a WildFly and a Tomcat node, and the build "
                    + "has not prepared " + String.join("; ", missing)
                    + ". mvn verify with the default profiles prepares all three; to run it alone, "
                    + "mvn -o pre-integration-test -DskipTests first";
            LOG.warning(cannotRun);
            return;
        }
        cluster = Cluster.start(
                "mixed", ServerBuild.KINDS, List.of("-Djobpulse.max-running-jobs=" + MAX_RUNNING_PER_NODE));
        for (ClusterNode node : cluster.nodes()) {
            assertThat(node.log()).as("the log of %s", node).contains(BANNER.get(node.kind()));
        }
    }

    /**
     * The skip, per test: failsafe reports an assumption that fails in {@code @BeforeAll} as no test at all (tests="0"
     * skipped="0"), which would hide it.
     */
    @BeforeEach
    void requireEveryServer() {
        assumeTrue(cannotRun == null, cannotRun);
    }

    /**
     * Brings the cluster back to three running nodes, whatever the test did or where it failed: the graceful stop ends
     * the Tomcat node, and the next test may expect it.
     */
    @AfterEach
    void bringBackAStoppedNode() throws Exception {
        if (cluster == null) {
            return;
        }
        for (int i = 0; i < cluster.nodes().size(); i++) {
            if (!cluster.node(i).running()) {
                ClusterNode node = cluster.restart(i);
                assertThat(node.log()).as("the log of %s", node).contains(BANNER.get(node.kind()));
            }
        }
        cluster.awaitWhole(WAIT);
    }

    @AfterAll
    void shutDown() {
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    void jobsSubmittedThroughEveryNodeAreClaimedOnEveryServerAndEachRunsOnce() throws Exception {
        int steps = 5;
        String body = "{\"type\":\"steps\",\"params\":{\"count\":" + steps + ",\"intervalMs\":200}}";
        List<ClusterNode> nodes = cluster.nodes();
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            ids.add(nodes.get(i % 3).client(ApiClient.ALICE).submit(body).getString("id"));
        }
        Map<String, String> viewNode = new TreeMap<>();
        for (int i = 0; i < ids.size(); i++) {
            // read through another node than the one it was submitted to: the view comes from the shared database
            JsonObject done = nodes.get((i + 1) % 3)
                    .client(ApiClient.ALICE)
                    .awaitJob(ids.get(i), j -> j.getString("state").equals("SUCCEEDED"), WAIT);
            assertThat(done.getJsonObject("result").getInt("steps")).isEqualTo(steps);
            viewNode.put(ids.get(i), done.getString("node"));
        }

        Map<String, StoredJob> stored = StoredJob.read(cluster.database(), ids);
        assertThat(stored.keySet()).containsExactlyInAnyOrderElementsOf(ids);
        for (StoredJob job : stored.values()) {
            assertThat(job.state()).as("state of %s", job.id()).isEqualTo("SUCCEEDED");
            assertThat(job.attempt()).as("attempt of %s", job.id()).isEqualTo(1);
            assertThat(job.stateEvents())
                    .as("state changes of %s (one RUNNING: claimed once)", job.id())
                    .containsExactly("QUEUED", "RUNNING", "SUCCEEDED");
            assertThat(job.eventSeqs())
                    .as("event seqs of %s: 1..%d without a gap", job.id(), job.seq())
                    .containsExactlyElementsOf(
                            LongStream.rangeClosed(1, job.seq()).boxed().toList());
            assertThat(job.ownerNode())
                    .as("the node that ran %s, and the job view's \"node\"", job.id())
                    .isEqualTo(viewNode.get(job.id()));
        }
        Map<String, Long> perServer = stored.values().stream()
                .collect(Collectors.groupingBy(
                        job -> node(job.ownerNode()).kind() + " " + job.ownerNode(),
                        TreeMap::new,
                        Collectors.counting()));
        LOG.info(() -> "MixedClusterIT: jobs per node " + perServer);
        assertThat(stored.values().stream()
                        .map(job -> node(job.ownerNode()).kind())
                        .distinct())
                .as("the servers that ran jobs (jobs per node: %s)", perServer)
                .containsExactlyInAnyOrderElementsOf(ServerBuild.KINDS);
    }

    @Test
    void aWatcherOnEachNodeGetsEveryEventOfAJobOnAnotherServerInOrderToItsEnd() throws Exception {
        List<ClusterNode> nodes = cluster.nodes();
        List<Watch> watches = new ArrayList<>();
        ExecutorService readers = Executors.newFixedThreadPool(nodes.size());
        try {
            for (int i = 0; i < nodes.size(); i++) {
                ClusterNode runner = nodes.get((i + 1) % nodes.size());
                ClusterNode watcher = nodes.get(i);
                JsonObject job =
                        submitRunningOn(runner, "{\"type\":\"steps\",\"params\":{\"count\":30,\"intervalMs\":100}}");
                WsClient ws = WsClient.connect(watcher.client(ApiClient.ALICE).wsUri());
                Watch watch = new Watch(runner, watcher, job.getString("id"), ws, Instant.now());
                watches.add(watch);
                ws.subscribe(watch.job(), job.getString("watchToken"), 0);
            }
            // each watcher read on a thread of its own, so that a message's arrival is when the watcher got it
            List<Future<List<Arrival>>> reading = new ArrayList<>();
            for (Watch watch : watches) {
                reading.add(readers.submit(() -> untilTerminal(watch)));
            }
            for (int i = 0; i < watches.size(); i++) {
                Watch watch = watches.get(i);
                List<Arrival> arrivals = reading.get(i).get(WAIT.toSeconds(), TimeUnit.SECONDS);
                List<JsonObject> messages =
                        arrivals.stream().map(Arrival::message).toList();
                String who = "the watcher on " + watch.watcher() + " of a job on " + watch.runner();
                JsonObject done = watch.watcher().client(ApiClient.ALICE).job(watch.job());
                assertThat(done.getString("state")).as(who).isEqualTo("SUCCEEDED");
                assertThat(done.getString("node"))
                        .as(who)
                        .isEqualTo(watch.runner().id());
                ClusterWatch.assertNoGap(messages, watch.job(), 1, done.getInt("seq"), who);
                ClusterWatch.assertEndsWith(messages, watch.job(), "SUCCEEDED");
                assertThat(ClusterWatch.stateEvents(messages, watch.job()))
                        .as(who)
                        .containsExactly("QUEUED", "RUNNING", "SUCCEEDED");
                List<Long> latencies = liveLatencies(arrivals, watch);
                LOG.info(() -> String.format(
                        "MixedClusterIT: event on %s -> frame on %s: %d live events, p50 %d ms, max %d ms",
                        watch.runner().kind(),
                        watch.watcher().kind(),
                        latencies.size(),
                        latencies.isEmpty() ? -1 : latencies.get(latencies.size() / 2),
                        latencies.isEmpty() ? -1 : latencies.get(latencies.size() - 1)));
                assertThat(latencies)
                        .as("%s got events live, not only replayed", who)
                        .isNotEmpty();
            }
        } finally {
            readers.shutdownNow();
            watches.forEach(watch -> watch.ws().close());
        }
    }

    @Test
    void aCancelSentToAnotherServerStopsTheJobWhereItRuns() throws Exception {
        List<ClusterNode> nodes = cluster.nodes();
        List<String> ids = new ArrayList<>();
        for (ClusterNode runner : nodes) {
            ids.add(submitRunningOn(runner, "{\"type\":\"steps\",\"params\":{\"count\":600,\"intervalMs\":100}}")
                    .getString("id"));
        }
        try {
            for (int i = 0; i < nodes.size(); i++) {
                ClusterNode runner = nodes.get(i);
                ClusterNode elsewhere = nodes.get((i + 1) % nodes.size());
                ApiClient client = elsewhere.client(ApiClient.ALICE);
                long asked = System.nanoTime();
                assertThat(client.post("api/jobs/" + ids.get(i) + "/cancel", "").statusCode())
                        .as("cancel of a job on %s sent to %s", runner, elsewhere)
                        .isEqualTo(202);
                JsonObject cancelled = client.awaitJob(
                        ids.get(i), j -> j.getString("state").equals("CANCELLED"), Duration.ofSeconds(30));
                Duration took = Duration.ofNanos(System.nanoTime() - asked);
                LOG.info(() -> "MixedClusterIT: cancel sent to " + elsewhere.kind() + " of a job on " + runner.kind()
                        + ": CANCELLED after " + took.toMillis() + " ms");
                assertThat(cancelled.getString("node")).isEqualTo(runner.id());
                assertThat(cancelled.getJsonObject("progress").getInt("done"))
                        .as("stopped long before its 60 s of steps")
                        .isLessThan(600);
            }
        } finally {
            for (String id : ids) { // a failure above leaves no 60 s job taking a slot from the next test
                nodes.get(0).client(ApiClient.ALICE).post("api/jobs/" + id + "/cancel", "");
            }
        }
        for (StoredJob job : StoredJob.read(cluster.database(), ids).values()) {
            assertThat(job.stateEvents())
                    .as("state changes of %s: stopped where it ran, never re-run", job.id())
                    .containsExactly("QUEUED", "RUNNING", "CANCELLED");
            assertThat(job.attempt()).isEqualTo(1);
        }
    }

    @Test
    void everyNodeListsAllThreeNodes() throws Exception {
        List<String> ids = cluster.nodes().stream().map(ClusterNode::id).toList();
        for (ClusterNode node : cluster.nodes()) {
            assertThat(listedNodes(node))
                    .as("GET api/nodes on %s", node)
                    .extracting(n -> n.getString("node"))
                    .containsExactlyInAnyOrderElementsOf(ids);
            for (JsonObject listed : listedNodes(node)) {
                assertThat(listed.getBoolean("stopping")).as("%s", listed).isFalse();
                assertThat(listed.getString("bus")).as("%s", listed).isEqualTo("LISTENING");
            }
        }
    }

    /** Ends the Tomcat node; {@link #bringBackAStoppedNode} starts it again after the test. */
    @Test
    void theTomcatNodeStoppedGracefullyHandsItsRunningJobToAnotherServer() throws Exception {
        int steps = 20;
        ClusterNode tomcat = cluster.nodes().stream()
                .filter(n -> n.kind().equals(ServerBuild.TOMCAT))
                .findFirst()
                .orElseThrow();
        ClusterNode watcher =
                cluster.nodes().stream().filter(n -> n != tomcat).findFirst().orElseThrow();
        ApiClient alice = watcher.client(ApiClient.ALICE);
        JsonObject submitted =
                submitRunningOn(tomcat, "{\"type\":\"steps\",\"params\":{\"count\":" + steps + ",\"intervalMs\":100}}");
        String id = submitted.getString("id");
        try (WsClient ws = WsClient.connect(alice.wsUri())) {
            ws.subscribe(id, submitted.getString("watchToken"), 0);
            List<JsonObject> messages = new ArrayList<>();
            while (ClusterWatch.eventSeqs(messages, id).size() < 6) {
                messages.add(ws.next()); // under way on Tomcat: QUEUED, RUNNING and progress
            }

            long stopping = System.nanoTime();
            tomcat.stop();
            Duration stopTook = Duration.ofNanos(System.nanoTime() - stopping);
            // the node hands its jobs back before its JVM exits: no lease to wait for
            JsonObject afterStop = alice.job(id);
            assertThat(afterStop.getString("state").equals("RUNNING")
                            && tomcat.id().equals(afterStop.getString("node")))
                    .as("still running on the stopped Tomcat node: %s", afterStop)
                    .isFalse();
            assertThat(listedNodes(watcher))
                    .as("GET api/nodes once the Tomcat node stopped")
                    .extracting(n -> n.getString("node"))
                    .doesNotContain(tomcat.id())
                    .hasSize(cluster.nodes().size() - 1);

            messages.addAll(ws.untilTerminal(id));
            JsonObject done = alice.job(id);
            LOG.info(() -> "MixedClusterIT: graceful stop of the Tomcat node took " + stopTook.toMillis()
                    + " ms; its job then " + afterStop.getString("state") + " on " + afterStop.getString("node")
                    + ", finished on " + done.getString("node"));
            assertThat(done.getString("state")).isEqualTo("SUCCEEDED");
            assertThat(done.getString("node")).isNotEqualTo(tomcat.id());
            assertThat(done.getJsonObject("result").getInt("steps")).isEqualTo(steps);
            String who = "the watcher on " + watcher;
            ClusterWatch.assertNoGap(messages, id, 1, done.getInt("seq"), who);
            ClusterWatch.assertEndsWith(messages, id, "SUCCEEDED");
            assertThat(ClusterWatch.stateEvents(messages, id))
                    .as("%s: handed back by the stopping Tomcat node, claimed by another", who)
                    .containsExactly("QUEUED", "RUNNING", "QUEUED", "RUNNING", "SUCCEEDED");
            StoredJob job = StoredJob.read(cluster.database(), List.of(id)).get(id);
            assertThat(job.attempt()).isEqualTo(2);
            assertThat(job.ownerNode()).isEqualTo(done.getString("node"));
        }
    }

    /** A job submitted through {@code runner} and running there (with its id and watch token). */
    private JsonObject submitRunningOn(ClusterNode runner, String body) throws Exception {
        ApiClient client = runner.client(ApiClient.ALICE);
        // the submitting node wakes its own scheduler at once, the others on a hint: it claims first when it has a
        // free slot, but another node may win now and then; such a job is cancelled and another submitted
        List<String> claimedElsewhere = new ArrayList<>();
        for (int attempt = 0; attempt < 5; attempt++) {
            JsonObject submitted = client.submit(body);
            String id = submitted.getString("id");
            JsonObject claimed = client.awaitJob(id, j -> !j.isNull("node"), WAIT);
            if (claimed.getString("node").equals(runner.id())) {
                return submitted;
            }
            claimedElsewhere.add(id + " on " + claimed.getString("node"));
            client.post("api/jobs/" + id + "/cancel", "");
            client.awaitJob(id, j -> TERMINAL.contains(j.getString("state")), WAIT);
        }
        throw new AssertionError("no job submitted to " + runner + " ran there: " + claimedElsewhere);
    }

    /** The nodes {@code GET api/nodes} on {@code node} lists. */
    private static List<JsonObject> listedNodes(ClusterNode node) {
        HttpResponse<String> response = node.client(ApiClient.ALICE).get("api/nodes");
        assertThat(response.statusCode()).as("GET api/nodes on %s", node).isEqualTo(200);
        return Json.parse(response.body()).getJsonArray("nodes").stream()
                .map(JsonValue::asJsonObject)
                .toList();
    }

    /** A watcher's messages up to the job's end, each with when it arrived. */
    private static List<Arrival> untilTerminal(Watch watch) throws InterruptedException {
        List<Arrival> arrivals = new ArrayList<>();
        while (true) {
            JsonObject message = watch.ws().next();
            arrivals.add(new Arrival(Instant.now(), message));
            if (WsClient.isTerminalEventOf(message, watch.job())) {
                return arrivals;
            }
        }
    }

    /**
     * For the events that happened after the watcher subscribed (so were sent live, not replayed), sorted: the time
     * from the event on the runner ({@code at}, the runner's clock, which is this machine's) to its arrival at the
     * watcher, in ms.
     */
    private static List<Long> liveLatencies(List<Arrival> arrivals, Watch watch) {
        return arrivals.stream()
                .filter(a -> "event".equals(a.message().getString("type")))
                .filter(a -> Instant.parse(a.message().getString("at")).isAfter(watch.subscribed()))
                .map(a -> Duration.between(Instant.parse(a.message().getString("at")), a.at())
                        .toMillis())
                .sorted()
                .toList();
    }

    private ClusterNode node(String id) {
        return cluster.nodes().stream()
                .filter(n -> n.id().equals(id))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no node " + id + " in the cluster"));
    }

    /** A watcher on {@code watcher} of {@code job}, which runs on {@code runner}; subscribed at {@code subscribed}. */
    private record Watch(ClusterNode runner, ClusterNode watcher, String job, WsClient ws, Instant subscribed) {}

    private record Arrival(Instant at, JsonObject message) {}
}
