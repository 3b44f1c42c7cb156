package io.jobpulse.inprocess;

import static org.assertj.core.api.Assertions.assertThat;

import io.jobpulse.cluster.BusState;
import io.jobpulse.cluster.Cluster;
import io.jobpulse.metrics.NodeMetrics;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import jakarta.json.JsonObject;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;

/**
 * External jobs on two nodes of one PostgreSQL (embedded binaries), as behind a load balancer that sends each request
 * of a worker to either node: reports spread over both are all applied once, in order, for a watcher on one node; a
 * retry that reaches the other node is still a repeat; and a silent worker's job is ended once although both nodes
 * sweep. Only the database is shared, as between server processes.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(120)
class ExternalJobsClusterTest {

    private static final Duration WITHIN = Duration.ofSeconds(20);
    private static final long HEARTBEAT_MS = 2000;

    private EmbeddedPostgres postgres;
    private InProcessServer a;
    private InProcessServer b;

    @BeforeAll
    void start() throws Exception {
        postgres = EmbeddedPostgres.builder().start();
        DataSource db = postgres.getPostgresDatabase();
        a = InProcessServer.startOn(db, settings("node-a"));
        b = InProcessServer.startOn(db, settings("node-b"));
        for (InProcessServer node : List.of(a, b)) {
            Await.until(() -> node.bean(Cluster.class).busState(), BusState.LISTENING::equals, WITHIN, "bus up");
        }
    }

    private static Map<String, String> settings(String node) {
        Map<String, String> settings = new HashMap<>();
        settings.put("jobpulse.node-id", node);
        settings.put("jobpulse.bus.ping-interval", "1s");
        settings.put("jobpulse.external.heartbeat-timeout", HEARTBEAT_MS + "ms");
        return settings;
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
    void reportsSpreadOverBothNodesReachAWatcherOnOneInOrderAndARetryOnTheOtherIsARepeat() throws Exception {
        NodeMetrics onA = a.bean(NodeMetrics.class);
        NodeMetrics onB = b.bean(NodeMetrics.class);
        long submitted = onA.jobs().submittedTotal() + onB.jobs().submittedTotal();
        long started = onA.jobs().startedTotal() + onB.jobs().startedTotal();
        long finished = onA.jobs().finishedTotal() + onB.jobs().finishedTotal();
        JsonObject job = a.rest().submit("{\"type\":\"external\"}");
        String id = job.getString("id");
        String token = job.getString("reportToken");
        try (WsClient ws = WsClient.v1(a)) {
            ws.subscribe(job, 0);
            assertThat(ws.next().getString("type")).isEqualTo("subscribed");

            for (int i = 1; i <= 4; i++) {
                InProcessServer node = i % 2 == 0 ? a : b;
                HttpResponse<String> answer =
                        report(node, id, token, "{\"id\":" + i + ",\"progress\":{\"done\":" + i + ",\"total\":5}}");
                assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
                HttpResponse<String> retry = report(
                        node == a ? b : a,
                        id,
                        token,
                        "{\"id\":" + i + ",\"progress\":{\"done\":" + i + ",\"total\":5}}");
                assertThat(retry.body()).as("a retry on the other node").isEqualTo(answer.body());
            }
            assertThat(report(a, id, token, "{\"id\":3}").statusCode())
                    .as("out of order")
                    .isEqualTo(409);
            assertThat(report(b, id, token, "{\"id\":5,\"result\":{\"ok\":true}}")
                            .statusCode())
                    .isEqualTo(200);

            List<JsonObject> events = ws.messagesUntil(id, "SUCCEEDED");
            assertThat(events).extracting(e -> e.getInt("seq")).containsExactly(1, 2, 3, 4, 5, 6, 7);
            assertThat(events.subList(2, 6))
                    .extracting(e -> e.getJsonObject("progress").getInt("done"))
                    .containsExactly(1, 2, 3, 4);
        }
        // each node meters what it committed, so the two add up to the job's one life
        assertThat(onA.jobs().submittedTotal() + onB.jobs().submittedTotal() - submitted)
                .isEqualTo(1);
        assertThat(onA.jobs().startedTotal() + onB.jobs().startedTotal() - started)
                .isEqualTo(1);
        assertThat(onA.jobs().finishedTotal() + onB.jobs().finishedTotal() - finished)
                .isEqualTo(1);
    }

    @Test
    void aSilentWorkersJobEndsWorkerLostOnceThoughBothNodesSweep() throws Exception {
        JsonObject job = a.rest().submit("{\"type\":\"external\"}");
        String id = job.getString("id");
        try (WsClient onA = WsClient.v1(a);
                WsClient onB = WsClient.v1(b)) {
            onA.subscribe(job, 0);
            onB.subscribe(job, 0);
            assertThat(report(b, id, job.getString("reportToken"), "{\"id\":1}").statusCode())
                    .isEqualTo(200);

            for (WsClient watcher : List.of(onA, onB)) {
                assertThat(watcher.next().getString("type")).isEqualTo("subscribed");
                List<JsonObject> events = watcher.messagesUntil(id, "FAILED");
                assertThat(events).extracting(e -> e.getInt("seq")).containsExactly(1, 2, 3);
                assertThat(events.get(2).getJsonObject("error").getString("kind"))
                        .isEqualTo("worker_lost");
            }
        }
        JsonObject log = JsonText.parse(a.rest().get("jobs/" + id + "/events").body());
        assertThat(log.getJsonArray("events")).as("one end, stored once").hasSize(3);
    }

    private static HttpResponse<String> report(InProcessServer node, String id, String token, String body)
            throws Exception {
        return node.rest()
                .http()
                .send(
                        HttpRequest.newBuilder(URI.create(
                                        node.api("jobs/" + id + "/reports").toString()))
                                .timeout(Rest.TIMEOUT)
                                .header("Authorization", "Bearer " + token)
                                .header("Content-Type", "application/json")
                                .POST(HttpRequest.BodyPublishers.ofString(body))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
    }
}
