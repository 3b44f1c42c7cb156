package io.jobpulse.it;

import static org.assertj.core.api.Assertions.assertThat;

import jakarta.json.JsonObject;
import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.logging.Logger;
import java.util.stream.Collectors;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Two nodes of the failsafe execution's server (Payara Micro, Tomcat or WildFly: {@link Cluster}) on one PostgreSQL,
 * each configured for it from server-config/ as an operator would ({@link ServerOnPostgres}: Payara Micro's
 * postgresql.asadmin and the driver added, Tomcat's jobpulse-postgresql.xml and the driver in lib/, WildFly's
 * postgresql.cli).
 *
 * <p><b>The store.</b> Each node uses the server's own DataSource (its JNDI name in the log), the rows of a job land
 * in PostgreSQL, and readiness follows PostgreSQL through the server's pool: with PostgreSQL stopped it turns 503 with
 * the store check DOWN (every answer in bounded time) while liveness stays 200, and with PostgreSQL back it is UP
 * again.
 *
 * <p><b>Claims.</b> Jobs submitted to either node each run exactly once, on one node, and both nodes claim work;
 * {@code jobpulse.max-running-jobs=2} keeps one node from taking all of it, and the stored run times show that no node
 * ran more than two at once. A frozen node ({@code kill -STOP}) holds nobody up: the other takes and runs the jobs
 * submitted meanwhile. Across nodes: a WebSocket watcher on the node that does not run a job gets every event in order
 * and the end, also when its listening connection is terminated by the database meanwhile, and a cancel sent to the
 * other node stops the job where it runs.
 *
 * <p><b>Failover.</b> {@code kill -9} of the node running a job: the survivor finds the lease expired (by the
 * database's clock) and recovers the job within a lease and a sweep, re-queues it (steps is retry-safe) and runs it to
 * the end; a watcher that was on the survivor sees it all, and one that was on the killed node reconnects to the
 * survivor, resumes with {@code since}, and sees every event after the last one it had, with no gap and no repeat.
 *
 * <p>Container-dependent (the servers' DataSources, pools and executors take part), so it runs on every server type;
 * once per type ({@link OncePerServerType}). The class boots the cluster once; the tests run in any order: each looks
 * only at its own jobs, waits (with a timeout) for what it needs, and after each the cluster is made whole again: a
 * node that was killed is started again under its node id ({@link Cluster#restart}, a node's boot), and every node is
 * ready, listening, and listed by the others ({@link Cluster#awaitWhole}).
 */
@OncePerServerType
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ClusterIT {

    private static final Logger LOG = Logger.getLogger(ClusterIT.class.getName());
    private static final int JOBS = 20;
    private static final int MAX_RUNNING_PER_NODE = 2;
    private static final int STEPS = 3;
    private static final String JOB = "{\"type\":\"steps\",\"params\":{\"count\":" + STEPS + ",\"intervalMs\":200}}";
    private static final Duration JOB_WAIT = Duration.ofSeconds(120);
    /** For the cluster to be whole again after a test: a restarted node's bus and heartbeat, PostgreSQL's return. */
    private static final Duration WHOLE_WAIT = Duration.ofSeconds(60);
    /** The JNDI name each server's configuration from server-config/ gives the PostgreSQL DataSource. */
    private static final Map<String, String> DATASOURCE = Map.of(
            ServerBuild.PAYARA, "jdbc/jobpulse",
            ServerBuild.TOMCAT, "java:comp/env/jdbc/jobpulse",
            ServerBuild.WILDFLY, "java:jboss/datasources/JobPulseDS");

    private Cluster cluster;

    @BeforeAll
    void boot() throws Exception {
        cluster = Cluster.start("cluster", 2, List.of("-Djobpulse.max-running-jobs=" + MAX_RUNNING_PER_NODE));
    }

    /**
     * Leaves the cluster as the next test expects it, whatever this one did or where it failed: a paused node resumed,
     * a killed or stopped node started again, every node ready and listening.
     */
    @AfterEach
    void makeTheClusterWholeAgain() throws Exception {
        if (cluster == null) {
            return;
        }
        for (int i = 0; i < cluster.nodes().size(); i++) {
            ClusterNode node = cluster.node(i);
            if (node.paused() && node.running()) {
                node.resume();
            }
            if (!node.running()) {
                cluster.restart(i);
            }
        }
        cluster.awaitWhole(WHOLE_WAIT);
    }

    @AfterAll
    void shutDown() {
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    void eachNodeRunsJobsAndStoresThemInPostgresThroughItsServerConfigDataSource() throws Exception {
        for (ClusterNode node : cluster.nodes()) {
            assertThat(node.log())
                    .as("the log of %s", node)
                    .contains("JobPulse store: JNDI DataSource " + DATASOURCE.get(node.kind()));
            JsonObject done = runOn(node, "{\"type\":\"steps\",\"params\":{\"count\":3,\"intervalMs\":150}}");
            PostgresChecks.assertStoredInPostgres(cluster.database(), done.getString("id"), done.getInt("seq"));
        }
    }

    @Test
    void readinessFollowsPostgresThroughEachNodesOwnPoolAndComesBackWithIt() throws Exception {
        List<ClusterNode> nodes = cluster.nodes();
        for (ClusterNode node : nodes) {
            PostgresChecks.assertReady(node.base());
        }
        cluster.restartDatabase(() -> {
            for (ClusterNode node : nodes) {
                PostgresChecks.awaitStoreDown(node.base());
            }
            return null;
        });
        for (ClusterNode node : nodes) {
            PostgresChecks.awaitReadyAgain(node.base(), WHOLE_WAIT);
        }
        cluster.awaitWhole(WHOLE_WAIT);
    }

    @Test
    void jobsSubmittedToEitherNodeRunExactlyOnceAndBothNodesClaim() throws Exception {
        awaitNoJobUnfinished();
        List<ClusterNode> nodes = cluster.nodes();
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < JOBS; i++) {
            ids.add(nodes.get(i % 2).client(ApiClient.ALICE).submit(JOB).getString("id"));
        }
        for (int i = 0; i < JOBS; i++) {
            // read through the node it was not submitted to: the job view comes from the shared database
            ApiClient other = nodes.get((i + 1) % 2).client(ApiClient.ALICE);
            assertThat(other.awaitJob(ids.get(i), j -> j.getString("state").equals("SUCCEEDED"), JOB_WAIT)
                            .getJsonObject("result")
                            .getInt("steps"))
                    .isEqualTo(STEPS);
        }

        Map<String, StoredJob> stored = StoredJob.read(cluster.database(), ids);
        assertThat(stored.keySet()).containsExactlyInAnyOrderElementsOf(ids);
        for (StoredJob job : stored.values()) {
            assertThat(job.state()).as("state of %s", job.id()).isEqualTo("SUCCEEDED");
            assertThat(job.attempt()).as("attempt of %s", job.id()).isEqualTo(1);
            assertThat(job.eventSeqs())
                    .as("event seqs of %s: 1..%d without a gap", job.id(), job.seq())
                    .containsExactlyElementsOf(
                            LongStream.rangeClosed(1, job.seq()).boxed().toList());
            assertThat(job.stateEvents())
                    .as("state changes of %s (one RUNNING: claimed once)", job.id())
                    .containsExactly("QUEUED", "RUNNING", "SUCCEEDED");
            assertThat(job.ownerNode()).as("node of %s", job.id()).isIn(Cluster.nodeId(0), Cluster.nodeId(1));
        }

        Map<String, List<StoredJob>> byNode = stored.values().stream()
                .collect(Collectors.groupingBy(StoredJob::ownerNode, TreeMap::new, Collectors.toList()));
        LOG.info(() -> "ClusterIT on " + ServerProcess.kind() + ": jobs per node "
                + byNode.entrySet().stream()
                        .map(e -> e.getKey() + "=" + e.getValue().size())
                        .collect(Collectors.joining(", ")));
        assertThat(byNode.keySet()).as("nodes that ran jobs").containsExactly(Cluster.nodeId(0), Cluster.nodeId(1));
        byNode.forEach((node, jobs) -> assertThat(mostAtOnce(jobs))
                .as("most jobs running at once on %s (jobpulse.max-running-jobs)", node)
                .isBetween(1, MAX_RUNNING_PER_NODE));
    }

    @Test
    void whileOneNodeIsFrozenTheOtherTakesAndRunsTheJobsSubmittedToIt() throws Exception {
        ClusterNode live = cluster.node(0);
        ClusterNode frozen = cluster.node(1);
        ApiClient alice = live.client(ApiClient.ALICE);
        List<String> ids = new ArrayList<>();
        frozen.pause();
        try {
            assertThat(answers(frozen))
                    .as("%s answers while stopped by SIGSTOP", frozen)
                    .isFalse();
            for (int i = 0; i < 3; i++) {
                ids.add(alice.submit(JOB).getString("id"));
            }
            for (String id : ids) {
                alice.awaitJob(id, j -> j.getString("state").equals("SUCCEEDED"), JOB_WAIT);
            }
        } finally {
            frozen.resume();
        }
        Map<String, StoredJob> stored = StoredJob.read(cluster.database(), ids);
        assertThat(stored.keySet()).containsExactlyElementsOf(ids);
        assertThat(stored.values()).extracting(StoredJob::state).containsOnly("SUCCEEDED");
        assertThat(stored.values()).extracting(StoredJob::ownerNode).containsOnly(live.id());
        assertThat(frozen.client(ApiClient.ALICE).job(ids.get(0)).getString("state"))
                .as("%s after SIGCONT", frozen)
                .isEqualTo("SUCCEEDED");
    }

    @Test
    void aWatcherOnTheOtherNodeGetsEveryEventInOrderAndTheEnd() throws Exception {
        ApiClient alice = cluster.node(0).client(ApiClient.ALICE);
        JsonObject submitted = alice.submit("{\"type\":\"steps\",\"params\":{\"count\":25,\"intervalMs\":80}}");
        String id = submitted.getString("id");
        ClusterNode elsewhere = notRunning(alice, id);
        ApiClient prometheus = elsewhere.client(MetricsIT.TOKEN);
        Map<String, Double> before = MetricsIT.scrape(prometheus);

        try (WsClient ws = watch(elsewhere, submitted)) {
            List<JsonObject> messages = ws.untilTerminal(id);

            JsonObject done = alice.job(id);
            ClusterWatch.assertNoGap(messages, id, 1, done.getInt("seq"), "watcher on " + elsewhere);
            ClusterWatch.assertEndsWith(messages, id, "SUCCEEDED");
        }
        // the watcher's node caught the job up from the store and measured how far behind the running node it was
        Map<String, Double> after = MetricsIT.scrape(prometheus);
        assertThat(after.get("jobpulse_cluster_catch_up_events_total"))
                .isGreaterThan(before.get("jobpulse_cluster_catch_up_events_total"));
        assertThat(after.get("jobpulse_cluster_bus_lag_seconds_count"))
                .isGreaterThan(before.get("jobpulse_cluster_bus_lag_seconds_count"));
    }

    @Test
    void aCancelSentToTheOtherNodeStopsTheJobWhereItRuns() throws Exception {
        ApiClient alice = cluster.node(0).client(ApiClient.ALICE);
        String id = alice.submit("{\"type\":\"steps\",\"params\":{\"count\":600,\"intervalMs\":100}}")
                .getString("id");
        try {
            JsonObject running = alice.awaitJob(id, j -> j.getString("state").equals("RUNNING"), JOB_WAIT);
            ApiClient elsewhere = other(running.getString("node")).client(ApiClient.ALICE);

            long asked = System.nanoTime();
            assertThat(elsewhere.post("api/jobs/" + id + "/cancel", "").statusCode())
                    .isEqualTo(202);
            JsonObject cancelled =
                    elsewhere.awaitJob(id, j -> j.getString("state").equals("CANCELLED"), Duration.ofSeconds(30));
            Duration took = Duration.ofNanos(System.nanoTime() - asked);
            LOG.info(() -> "ClusterIT on " + ServerProcess.kind() + ": cross-node cancel took " + took.toMillis()
                    + " ms to CANCELLED");

            assertThat(cancelled.getJsonObject("progress").getInt("done"))
                    .as("stopped long before its 60 s of steps")
                    .isLessThan(600);
        } finally {
            alice.post("api/jobs/" + id + "/cancel", ""); // a failure above leaves no 60 s job taking a slot
        }
    }

    @Test
    void theListeningConnectionTerminatedByTheDatabaseLosesNoEvent() throws Exception {
        ApiClient alice = cluster.node(0).client(ApiClient.ALICE);
        JsonObject submitted = alice.submit("{\"type\":\"steps\",\"params\":{\"count\":40,\"intervalMs\":100}}");
        String id = submitted.getString("id");
        ClusterNode elsewhere = notRunning(alice, id);
        String application = "jobpulse-listen-" + elsewhere.id();
        // one listening connection under the node's name, also right after the node was started again (its earlier
        // life's, if any, ends when PostgreSQL sees the killed process's socket close)
        Await.until(
                "one listening connection of " + elsewhere,
                Duration.ofSeconds(30),
                () -> connections(application) == 1);

        try (WsClient ws = watch(elsewhere, submitted)) {
            List<JsonObject> messages = new ArrayList<>();
            while (ClusterWatch.eventSeqs(messages, id).size() < 5) {
                messages.add(ws.next());
            }
            try (Connection c = cluster.database().getConnection();
                    PreparedStatement ps = c.prepareStatement("SELECT count(pg_terminate_backend(pid)) FROM"
                            + " pg_stat_activity WHERE application_name = ?")) {
                ps.setString(1, application);
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    assertThat(rs.getInt(1))
                            .as("the listening connection of %s", elsewhere)
                            .isEqualTo(1);
                }
            }
            messages.addAll(ws.untilTerminal(id));

            JsonObject done = alice.job(id);
            ClusterWatch.assertNoGap(messages, id, 1, done.getInt("seq"), "watcher on " + elsewhere);
            ClusterWatch.assertEndsWith(messages, id, "SUCCEEDED");
        }
    }

    @Test
    void theSurvivorRecoversTheKilledNodesJobAndEveryWatcherSeesItToTheEndWithoutAGap() throws Exception {
        ApiClient first = cluster.node(0).client(ApiClient.ALICE);
        JsonObject submitted = first.submit("{\"type\":\"steps\",\"params\":{\"count\":60,\"intervalMs\":100}}");
        String id = submitted.getString("id");
        String token = submitted.getString("watchToken");
        JsonObject running = first.awaitJob(
                id, j -> j.getString("state").equals("RUNNING") && j.getInt("seq") >= 5, Duration.ofSeconds(60));
        ClusterNode doomed = node(running.getString("node"));
        ClusterNode survivor = other(doomed.id());
        ApiClient alice = survivor.client(ApiClient.ALICE);

        try (WsClient onDoomed = WsClient.connect(doomed.client(ApiClient.ALICE).wsUri());
                WsClient onSurvivor = WsClient.connect(alice.wsUri())) {
            onDoomed.subscribe(id, token, 0);
            onSurvivor.subscribe(id, token, 0);
            List<JsonObject> beforeKill = new ArrayList<>();
            while (ClusterWatch.eventSeqs(beforeKill, id).size() < 8) {
                beforeKill.add(onDoomed.next());
            }
            List<Long> seen = ClusterWatch.eventSeqs(beforeKill, id);
            long lastSeen = seen.get(seen.size() - 1);

            long killedAt = System.nanoTime();
            doomed.kill();
            JsonObject requeued = alice.awaitJob(
                    id,
                    j -> !(j.getString("state").equals("RUNNING") && doomed.id().equals(j.getString("node", null))),
                    Cluster.LEASE.plus(Duration.ofSeconds(30)));
            Duration recovery = Duration.ofNanos(System.nanoTime() - killedAt);
            LOG.info(() -> "ClusterIT on " + ServerProcess.kind() + ": the killed node's job left it after "
                    + recovery.toMillis() + " ms (lease " + Cluster.LEASE + ")");
            assertThat(requeued.getString("state")).isIn("QUEUED", "RUNNING", "SUCCEEDED");

            try (WsClient resumed = WsClient.connect(alice.wsUri())) {
                resumed.subscribe(id, token, lastSeen);
                List<JsonObject> afterResume = resumed.untilTerminal(id);
                List<JsonObject> survivorSaw = onSurvivor.untilTerminal(id);

                JsonObject done = alice.job(id);
                assertThat(done.getString("state")).isEqualTo("SUCCEEDED");
                assertThat(done.getString("node")).isEqualTo(survivor.id());
                ClusterWatch.assertNoGap(
                        afterResume,
                        id,
                        lastSeen + 1,
                        done.getInt("seq"),
                        "the killed node's watcher, resumed on " + survivor);
                ClusterWatch.assertEndsWith(afterResume, id, "SUCCEEDED");
                ClusterWatch.assertNoGap(survivorSaw, id, 1, done.getInt("seq"), "the watcher on " + survivor);
                assertThat(ClusterWatch.stateEvents(survivorSaw, id))
                        .as("re-queued by the survivor, claimed again, run to the end")
                        .containsSubsequence("RUNNING", "QUEUED", "RUNNING", "SUCCEEDED");
            }
        }
    }

    /**
     * Waits until no job of an earlier test is queued or running, so that both nodes have their slots free (a test
     * that counts which node claims what).
     */
    private void awaitNoJobUnfinished() throws Exception {
        Await.until("no queued or running job in the cluster", JOB_WAIT, () -> {
            try (Connection c = cluster.database().getConnection();
                    PreparedStatement ps =
                            c.prepareStatement("SELECT count(*) FROM jp_job WHERE state IN ('QUEUED', 'RUNNING')");
                    ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getInt(1) == 0;
            }
        });
    }

    /**
     * The view of a job submitted to {@code node} that {@code node} claimed and ran to SUCCEEDED, so that its rows were
     * written through that node's pool. The submitting node wakes its own scheduler at once and the other on a hint,
     * so it claims first unless busy; a job the other node took runs to its end and another is submitted.
     */
    private JsonObject runOn(ClusterNode node, String body) throws Exception {
        ApiClient alice = node.client(ApiClient.ALICE);
        List<String> ranElsewhere = new ArrayList<>();
        for (int attempt = 0; attempt < 5; attempt++) {
            String id = alice.submit(body).getString("id");
            JsonObject done = alice.awaitJob(id, j -> j.getString("state").equals("SUCCEEDED"), JOB_WAIT);
            if (done.getString("node").equals(node.id())) {
                return done;
            }
            ranElsewhere.add(id + " on " + done.getString("node"));
        }
        throw new AssertionError("no job submitted to " + node + " ran there: " + ranElsewhere);
    }

    /** How many connections to the cluster's PostgreSQL have this application_name. */
    private int connections(String application) throws Exception {
        try (Connection c = cluster.database().getConnection();
                PreparedStatement ps =
                        c.prepareStatement("SELECT count(*) FROM pg_stat_activity WHERE application_name = ?")) {
            ps.setString(1, application);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getInt(1);
            }
        }
    }

    /** The node that does not run the job, once one claimed it. */
    private ClusterNode notRunning(ApiClient client, String id) throws InterruptedException {
        return other(client.awaitJob(id, j -> !j.isNull("node"), JOB_WAIT).getString("node"));
    }

    /** A WebSocket on {@code node} subscribed to the submitted job from its first event. */
    private static WsClient watch(ClusterNode node, JsonObject submitted) throws Exception {
        WsClient ws = WsClient.connect(node.client(ApiClient.ALICE).wsUri());
        ws.subscribe(submitted.getString("id"), submitted.getString("watchToken"), 0);
        return ws;
    }

    private ClusterNode node(String nodeId) {
        return cluster.node(0).id().equals(nodeId) ? cluster.node(0) : cluster.node(1);
    }

    private ClusterNode other(String nodeId) {
        return cluster.node(0).id().equals(nodeId) ? cluster.node(1) : cluster.node(0);
    }

    /** Whether the node answers a request within 2 s (a frozen JVM's kernel still accepts the connection). */
    private static boolean answers(ClusterNode node) throws InterruptedException {
        HttpClient http =
                HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        try {
            http.send(
                    HttpRequest.newBuilder(node.base().resolve("api/job-types"))
                            .timeout(Duration.ofSeconds(2))
                            .build(),
                    HttpResponse.BodyHandlers.discarding());
            return true;
        } catch (HttpTimeoutException silent) {
            return false;
        } catch (IOException e) {
            throw new AssertionError("request to " + node + " failed other than by a timeout", e);
        }
    }

    /**
     * The most runs of these jobs that overlapped in time. A run holds its slot from before its claim (started_at) to
     * after its end is stored (finished_at), so the next run on that node starts at or after the end before it.
     */
    private static int mostAtOnce(List<StoredJob> jobs) {
        int most = 0;
        for (StoredJob at : jobs) {
            int running = (int) jobs.stream()
                    .filter(j -> !j.startedAt().isAfter(at.startedAt())
                            && j.finishedAt().isAfter(at.startedAt()))
                    .count();
            most = Math.max(most, running);
        }
        return most;
    }
}
