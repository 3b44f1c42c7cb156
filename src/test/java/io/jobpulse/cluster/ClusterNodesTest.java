package io.jobpulse.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import io.jobpulse.execution.JobService;
import io.jobpulse.hub.Subscription;
import io.jobpulse.hub.Watcher;
import io.jobpulse.inprocess.Await;
import io.jobpulse.inprocess.InProcessServer;
import io.jobpulse.job.EventKind;
import io.jobpulse.job.Job;
import io.jobpulse.job.JobEvent;
import io.jobpulse.job.JobId;
import io.jobpulse.job.JobState;
import io.jobpulse.metrics.Counter;
import io.jobpulse.metrics.NodeMetrics;
import io.jobpulse.security.WatchTokens;
import io.jobpulse.store.JdbcJobStore;
import io.jobpulse.watch.WatchService;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.LongStream;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;

/**
 * JobPulse nodes in this JVM on one real PostgreSQL (embedded binaries): {@code node-a} and {@code node-b} with
 * the LISTEN/NOTIFY bus, and for one test {@code node-c} with {@code jobpulse.bus=poll}. Each has its own beans, scheduler, hub and
 * listening connection; only the database is shared, as between server processes. The container-dependent side
 * (several server processes, kill -9, the load balancer) is in the cluster ITs.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(120)
class ClusterNodesTest {

    private static final Duration WITHIN = Duration.ofSeconds(20);

    private EmbeddedPostgres postgres;
    private InProcessServer a;
    private InProcessServer b;
    private Map<String, String> common;

    @BeforeAll
    void start() throws Exception {
        postgres = EmbeddedPostgres.builder().start();
        DataSource db = postgres.getPostgresDatabase();
        common = Map.of(
                "jobpulse.lease", "3s",
                "jobpulse.max-running-jobs", "2",
                "jobpulse.bus.poll-interval", "30s", // long: a hint, not the poll, must carry events between A and B
                "jobpulse.bus.ping-interval", "1s");
        a = InProcessServer.startOn(db, with(common, "jobpulse.node-id", "node-a"));
        b = InProcessServer.startOn(db, with(common, "jobpulse.node-id", "node-b"));
        for (InProcessServer node : List.of(a, b)) {
            Await.until(() -> node.bean(Cluster.class).busState(), BusState.LISTENING::equals, WITHIN, "bus up");
        }
    }

    @AfterAll
    void stop() throws Exception {
        for (AutoCloseable closeable : new AutoCloseable[] {b, a, postgres}) {
            if (closeable != null) {
                closeable.close();
            }
        }
    }

    @Test
    void aWatcherOnAnotherNodeGetsEveryEventInOrderAndTheEndByHints() throws Exception {
        JobId id = submitOn(a, 12, 40);
        Job running = Await.until(() -> find(a, id), j -> j.node() != null, WITHIN, "claimed");
        Recorder elsewhere = watch(other(running.node()), id);

        Job done = awaitEnd(a, id);

        assertThat(done.state()).isEqualTo(JobState.SUCCEEDED);
        assertEveryEventThenTheEnd(elsewhere, done);
        assertThat(other(running.node()).bean(NodeMetrics.class).get(Counter.CLUSTER_CATCH_UP_READS))
                .as("the other node read the store for its watcher (the poll is 30 s: hints did it)")
                .isPositive();
    }

    @Test
    void aPollOnlyNodeGetsEveryEventWithNoListenAtAll() throws Exception {
        try (InProcessServer c = InProcessServer.startOn(
                postgres.getPostgresDatabase(),
                with(with(common, "jobpulse.node-id", "node-c"), "jobpulse.bus", "poll"))) {
            JobId id = submitOn(a, 12, 40);
            Recorder onC = watch(c, id);

            Job done = awaitEnd(a, id);

            assertEveryEventThenTheEnd(onC, done);
            assertThat(c.bean(Cluster.class).busState()).isEqualTo(BusState.POLL_ONLY);
            assertThat(listeners("node-c")).as("no listening connection").isZero();
        }
    }

    @Test
    void aCancelOnAnotherNodeStopsTheHandlerWhereItRuns() throws Exception {
        JobId id = submitOn(a, 600, 50);
        Job running = Await.until(() -> find(a, id), j -> j.state() == JobState.RUNNING, WITHIN, "running");
        InProcessServer elsewhere = running.node().equals("node-a") ? b : a;

        long asked = System.nanoTime();
        elsewhere.bean(JobService.class).cancel("dev", id);
        Job ended = awaitEnd(elsewhere, id);

        assertThat(ended.state()).isEqualTo(JobState.CANCELLED);
        assertThat(Duration.ofNanos(System.nanoTime() - asked))
                .as("the handler stopped long before its 30 s of work")
                .isLessThan(Duration.ofSeconds(10));
    }

    @Test
    void claimsSpreadOverTheNodesAndEachJobRunsOnce() throws Exception {
        List<JobId> ids = new java.util.ArrayList<>();
        for (int i = 0; i < 9; i++) {
            ids.add(submitOn(i % 2 == 0 ? a : b, 4, 100));
        }
        java.util.Set<String> nodes = new java.util.HashSet<>();
        for (JobId id : ids) {
            Job done = awaitEnd(a, id);
            assertThat(done.state()).isEqualTo(JobState.SUCCEEDED);
            assertThat(done.attempt()).isEqualTo(1);
            nodes.add(done.node());
            List<JobEvent> events = a.bean(JdbcJobStore.class).eventsAfter(id, 0, Long.MAX_VALUE, 1000);
            assertThat(events.stream()
                            .filter(e -> e.kind() == EventKind.STATE && e.state() == JobState.RUNNING)
                            .count())
                    .as("one claim per job")
                    .isEqualTo(1);
        }
        assertThat(nodes).as("with two slots per node, nine jobs spread").containsExactlyInAnyOrder("node-a", "node-b");
    }

    @Test
    void theListeningConnectionKilledByTheDatabaseLosesNoEvent() throws Exception {
        JobId id = submitOn(a, 30, 60);
        Recorder onB = watch(b, id);
        Await.until(onB::size, n -> n >= 3, WITHIN, "events flow to B");
        long reconnects = b.bean(Cluster.class).busReconnects();

        assertThat(terminateListener("node-b"))
                .as("B's listening connection found and terminated")
                .isEqualTo(1);

        Job done = awaitEnd(a, id);
        Await.until(onB::ended, Boolean::booleanValue, WITHIN, "B's watcher sees the end");
        assertThat(onB.seqs())
                .containsExactlyElementsOf(
                        LongStream.rangeClosed(1, done.seq()).boxed().toList());
        Await.until(() -> b.bean(Cluster.class).busReconnects(), n -> n > reconnects, WITHIN, "B's bus reconnected");
        Await.until(() -> b.bean(Cluster.class).busState(), BusState.LISTENING::equals, WITHIN, "B listens again");
    }

    @Test
    void aRunWhoseLeaseRanOutIsRecoveredElsewhereAndItsLateWritesAreRefused() throws Exception {
        JobId id = submitOn(a, 60, 50);
        Job running = Await.until(
                () -> find(a, id), j -> j.state() == JobState.RUNNING && j.seq() > 3, WITHIN, "running with progress");
        InProcessServer owner = node(running.node());
        // as if the owner had been paused past its lease and the other node's sweeper had found it: its lease ran out
        // by the database's clock, and the other node recovers it (retried if the owner renewed in between). A real
        // sweeper may recover it first: then it is done, and its lease must not be expired again (that would end the
        // second run too and make a third)
        JdbcJobStore others = other(running.node()).bean(JdbcJobStore.class);
        Await.until(
                () -> {
                    Job now = find(a, id);
                    if (now.attempt() != running.attempt() || now.state() != JobState.RUNNING) {
                        return true;
                    }
                    expireLease(id);
                    return others.updateOrphan(
                                    id,
                                    Optional.empty(),
                                    java.time.Instant.now(),
                                    j -> Optional.of(
                                            j.interrupt("the test paused its node", 3, java.time.Instant.now())))
                            .isPresent();
                },
                Boolean::booleanValue,
                WITHIN,
                "recovered by the other node");

        Job done = Await.until(() -> find(a, id), j -> j.state().isTerminal(), Duration.ofSeconds(60), "the job ends");

        assertThat(done.state()).isEqualTo(JobState.SUCCEEDED);
        assertThat(done.attempt()).as("recovered and run again").isEqualTo(2);
        List<JobEvent> events = a.bean(JdbcJobStore.class).eventsAfter(id, 0, Long.MAX_VALUE, 10_000);
        assertThat(events.stream().filter(e -> e.state().isTerminal()).count()).isEqualTo(1);
        int requeued = indexOfRequeue(events);
        assertThat(requeued).as("re-queued by a sweeper").isPositive();
        assertThat(events.subList(requeued + 1, events.size()).get(0).state())
                .as("after the re-queue, the next run's claim comes first: no late write of the lost run")
                .isEqualTo(JobState.RUNNING);
        assertThat(events.subList(requeued + 1, events.size()).get(1).progress().done())
                .as("the second run starts from the start")
                .isLessThanOrEqualTo(2);
        Await.until(
                () -> owner.bean(NodeMetrics.class).get(Counter.RUNS_LOST),
                n -> n >= 1,
                WITHIN,
                "the first owner found it lost the run and stopped it");
    }

    @Test
    void nodesWhoseClocksAreThirtySecondsOffOrphanNothingEarly() throws Exception {
        DataSource db = postgres.getPostgresDatabase();
        try (InProcessServer ahead = InProcessServer.startOn(
                        db, with(common, "jobpulse.node-id", "node-ahead"), Duration.ofSeconds(30));
                InProcessServer behind = InProcessServer.startOn(
                        db, with(common, "jobpulse.node-id", "node-behind"), Duration.ofSeconds(-30))) {
            List<JobId> ids = new java.util.ArrayList<>();
            for (int i = 0; i < 6; i++) {
                ids.add(submitOn(i % 2 == 0 ? ahead : behind, 30, 200)); // 6 s each: two leases of 3 s
            }
            for (JobId id : ids) {
                Job done = awaitEnd(a, id);
                assertThat(done.state()).isEqualTo(JobState.SUCCEEDED);
                assertThat(done.attempt())
                        .as("never recovered: leases are measured by the database's clock only")
                        .isEqualTo(1);
            }
            for (InProcessServer node : List.of(ahead, behind)) {
                assertThat(node.bean(NodeMetrics.class).get(Counter.RUNS_LOST)).isZero();
            }
        }
    }

    // ---- helpers

    private static int indexOfRequeue(List<JobEvent> events) {
        for (int i = 1; i < events.size(); i++) {
            if (events.get(i).state() == JobState.QUEUED) {
                return i;
            }
        }
        return -1;
    }

    private InProcessServer node(String id) {
        return id.equals("node-a") ? a : b;
    }

    private InProcessServer other(String id) {
        return id.equals("node-a") ? b : a;
    }

    private static void assertEveryEventThenTheEnd(Recorder watcher, Job done) throws Exception {
        Await.until(watcher::ended, Boolean::booleanValue, WITHIN, "the watcher sees the end");
        assertThat(watcher.seqs())
                .as("every seq once, in order, from the first")
                .containsExactlyElementsOf(
                        LongStream.rangeClosed(1, done.seq()).boxed().toList());
        assertThat(watcher.events.get(watcher.events.size() - 1).state()).isEqualTo(done.state());
    }

    private void expireLease(JobId id) throws Exception {
        try (Connection conn = postgres.getPostgresDatabase().getConnection();
                PreparedStatement ps = conn.prepareStatement(
                        "UPDATE jp_job SET lease_expires_at = CURRENT_TIMESTAMP - INTERVAL '1 minute' WHERE id = ?")) {
            ps.setString(1, id.value());
            ps.executeUpdate();
        }
    }

    private int listeners(String node) throws Exception {
        return countListeners("count(*)", node);
    }

    private int terminateListener(String node) throws Exception {
        return countListeners("count(pg_terminate_backend(pid))", node);
    }

    /** {@code what} over the node's listening connection(s) in pg_stat_activity. */
    private int countListeners(String what, String node) throws Exception {
        try (Connection conn = postgres.getPostgresDatabase().getConnection();
                PreparedStatement ps =
                        conn.prepareStatement("SELECT " + what + " FROM pg_stat_activity WHERE application_name = ?")) {
            ps.setString(1, "jobpulse-listen-" + node);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getInt(1);
            }
        }
    }

    private static JobId submitOn(InProcessServer node, long count, long intervalMs) throws Exception {
        return node.bean(JobService.class)
                .submit("dev", "steps", "cluster", Map.of("count", count, "intervalMs", intervalMs), Optional.empty())
                .job()
                .id();
    }

    private static Job find(InProcessServer node, JobId id) {
        return node.bean(JdbcJobStore.class).find(id).orElseThrow();
    }

    private static Job awaitEnd(InProcessServer node, JobId id) throws Exception {
        return Await.until(() -> find(node, id), j -> j.state().isTerminal(), Duration.ofSeconds(60), "job ends");
    }

    private static Recorder watch(InProcessServer node, JobId id) {
        Recorder recorder = new Recorder();
        String token = node.bean(WatchTokens.class).issue(id);
        assertThat(node.bean(WatchService.class)
                        .watch(
                                id.value(),
                                token,
                                OptionalLong.of(0),
                                recorder,
                                o -> recorder.events.addAll(o.replay())))
                .isPresent();
        return recorder;
    }

    private static Map<String, String> with(Map<String, String> base, String key, String value) {
        Map<String, String> all = new java.util.HashMap<>(base);
        all.put(key, value);
        return all;
    }

    /** A watcher that keeps what it got: the opening's replay (from seq 1), then every live event. */
    private static final class Recorder implements Watcher {
        final List<JobEvent> events = new CopyOnWriteArrayList<>();
        private volatile boolean ended;

        @Override
        public void send(JobEvent event, String text) {
            events.add(event);
        }

        @Override
        public void ended(Subscription subscription) {
            ended = true;
        }

        boolean ended() {
            return ended;
        }

        int size() {
            return events.size();
        }

        List<Long> seqs() {
            return events.stream().map(JobEvent::seq).toList();
        }
    }
}
