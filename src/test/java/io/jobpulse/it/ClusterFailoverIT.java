package io.jobpulse.it;

import static org.assertj.core.api.Assertions.assertThat;

import jakarta.json.JsonObject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * {@code kill -9} of the node running a job, on every server: the survivor finds the lease expired (by the database's
 * clock) and recovers the job within a lease and a sweep, re-queues it (steps is retry-safe) and runs it to the end;
 * a watcher that was on the survivor sees it all, and one that was on the killed node reconnects to the survivor,
 * resumes with {@code since}, and sees every event after the last one it had, with no gap and no repeat, to the end.
 * The cluster ({@link Cluster}) is its own, since a node dies in it.
 */
@OncePerServerType
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ClusterFailoverIT {

    private static final Logger LOG = Logger.getLogger(ClusterFailoverIT.class.getName());

    private Cluster cluster;

    @BeforeAll
    void boot() throws Exception {
        cluster = Cluster.start("failover", 2, List.of());
    }

    @AfterAll
    void shutDown() {
        if (cluster != null) {
            cluster.close();
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
        ClusterNode doomed = running.getString("node").equals(cluster.node(0).id()) ? cluster.node(0) : cluster.node(1);
        ClusterNode survivor = doomed == cluster.node(0) ? cluster.node(1) : cluster.node(0);
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
            LOG.info(() -> "ClusterFailoverIT on " + ServerProcess.kind() + ": the killed node's job left it after "
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
}
