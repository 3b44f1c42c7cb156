package io.jobpulse.it;

import static org.assertj.core.api.Assertions.assertThat;

import jakarta.json.JsonObject;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Faults a cluster must survive that do not depend on the server (so they run once, on Tomcat 10.1): a node frozen
 * with SIGSTOP for three leases and then woken (its late writes are refused, it stops its run, the job has one end),
 * and PostgreSQL restarted under a running cluster (REST answers 503 meanwhile, the nodes reconnect, nothing runs
 * twice, a watcher misses nothing).
 */
@ContainerIndependent
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ClusterFaultsIT {

    private static final Logger LOG = Logger.getLogger(ClusterFaultsIT.class.getName());
    private static final Duration WAIT = Duration.ofSeconds(90);

    private Cluster cluster;

    @BeforeAll
    void boot() throws Exception {
        cluster = Cluster.start("faults", 2, List.of());
    }

    @AfterAll
    void shutDown() {
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    void aNodeFrozenForThreeLeasesFindsItsJobRecoveredItsLateWritesRefusedAndTheJobEndsOnce() throws Exception {
        ApiClient alice = cluster.node(0).client(ApiClient.ALICE);
        // 12 s of steps: with the recovery (a lease) the node stays frozen about three leases
        String id = alice.submit("{\"type\":\"steps\",\"params\":{\"count\":120,\"intervalMs\":100}}")
                .getString("id");
        JsonObject running =
                alice.awaitJob(id, j -> j.getString("state").equals("RUNNING") && j.getInt("seq") >= 5, WAIT);
        ClusterNode frozen = node(running.getString("node"));
        ClusterNode other = other(frozen);
        ApiClient viaOther = other.client(ApiClient.ALICE);

        JsonObject done;
        long frozenAt = System.nanoTime();
        frozen.pause();
        try {
            // the other node finds the lease expired, re-queues the job and runs it again, to the end
            done = viaOther.awaitJob(id, j -> j.getString("state").equals("SUCCEEDED"), WAIT);
        } finally {
            frozen.resume();
        }
        Duration frozenFor = Duration.ofNanos(System.nanoTime() - frozenAt);
        LOG.info(() -> "ClusterFaultsIT: " + frozen + " was frozen " + frozenFor.toMillis() + " ms (lease "
                + Cluster.LEASE + ")");

        assertThat(done.getString("node")).isEqualTo(other.id());
        List<String> states = stateEvents(id);
        assertThat(states)
                .as("one end, after one recovery")
                .containsExactly("QUEUED", "RUNNING", "QUEUED", "RUNNING", "SUCCEEDED");
        assertThat(progressAfterSecondClaim(id))
                .as("after the re-queue only the second run wrote: its progress never goes back")
                .isSorted();
        Await.until(
                "the woken node stops its run of " + id,
                Duration.ofSeconds(30),
                () -> frozen.log().contains("Job " + id + ": this node lost it"));
        assertThat(stateEvents(id))
                .as("and writes nothing after it woke")
                .containsExactly("QUEUED", "RUNNING", "QUEUED", "RUNNING", "SUCCEEDED");
    }

    @Test
    void postgresRestartedUnderARunningClusterAnswers503MeanwhileAndNothingIsLostOrRunTwice() throws Exception {
        ApiClient alice = cluster.node(0).client(ApiClient.ALICE);
        JsonObject submitted = alice.submit("{\"type\":\"steps\",\"params\":{\"count\":60,\"intervalMs\":100}}");
        String id = submitted.getString("id");
        JsonObject running =
                alice.awaitJob(id, j -> j.getString("state").equals("RUNNING") && j.getInt("seq") >= 3, WAIT);
        ClusterNode watching = other(node(running.getString("node")));
        ApiClient viaWatching = watching.client(ApiClient.ALICE);

        try (WsClient ws = WsClient.connect(viaWatching.wsUri())) {
            ws.subscribe(id, submitted.getString("watchToken"), 0);
            List<JsonObject> messages = new ArrayList<>();
            // subscribed, and events flowing, before the database goes: a subscribe that meets the shutdown gets an
            // `unavailable` error instead (the client's to retry), which is not what this test is about
            while (ClusterWatch.eventSeqs(messages, id).size() < 3) {
                messages.add(ws.next());
            }
            List<Integer> statusesWhileDown = new ArrayList<>();
            cluster.restartDatabase(() -> {
                HttpResponse<String> answer = viaWatching.get("api/jobs/" + id);
                statusesWhileDown.add(answer.statusCode());
                assertThat(answer.body()).as("problem JSON, no stack trace").contains("\"status\":503");
                assertThat(answer.headers().firstValue("Retry-After")).isPresent();
                return null;
            });
            messages.addAll(ws.untilTerminal(id));

            assertThat(statusesWhileDown).containsExactly(503);
            JsonObject done = viaWatching.job(id);
            assertThat(done.getString("state")).isEqualTo("SUCCEEDED");
            ClusterWatch.assertNoGap(messages, id, 1, done.getInt("seq"), "watcher on " + watching);
            assertThat(stateEvents(id).stream().filter("RUNNING"::equals).count())
                    .as("claimed once: the outage was shorter than a lease, nothing was recovered")
                    .isEqualTo(1);
            for (ClusterNode node : cluster.nodes()) {
                Await.until(
                        node + " listens again",
                        Duration.ofSeconds(60),
                        () -> node.client(ApiClient.ALICE)
                                .get("api/node")
                                .body()
                                .contains("\"state\":\"LISTENING\""));
            }
            LOG.info(() -> "ClusterFaultsIT: PostgreSQL restarted under the cluster; the job and its watcher went on");
        }
    }

    private ClusterNode node(String id) {
        return cluster.node(0).id().equals(id) ? cluster.node(0) : cluster.node(1);
    }

    private ClusterNode other(ClusterNode node) {
        return node == cluster.node(0) ? cluster.node(1) : cluster.node(0);
    }

    private List<String> stateEvents(String id) throws Exception {
        List<String> states = new ArrayList<>();
        try (Connection c = cluster.database().getConnection();
                PreparedStatement ps = c.prepareStatement(
                        "SELECT state FROM jp_job_event WHERE job_id = ? AND kind = 'STATE' ORDER BY seq")) {
            ps.setString(1, id);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    states.add(rs.getString(1));
                }
            }
        }
        return states;
    }

    /** progress_done of the events after the last RUNNING state event (the second claim), in seq order. */
    private List<Long> progressAfterSecondClaim(String id) throws Exception {
        List<Long> done = new ArrayList<>();
        try (Connection c = cluster.database().getConnection();
                PreparedStatement ps = c.prepareStatement("SELECT progress_done FROM jp_job_event WHERE job_id = ?"
                        + " AND seq > (SELECT max(seq) FROM jp_job_event WHERE job_id = ? AND kind = 'STATE'"
                        + " AND state = 'RUNNING') ORDER BY seq")) {
            ps.setString(1, id);
            ps.setString(2, id);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    done.add(rs.getLong(1));
                }
            }
        }
        return done;
    }
}
