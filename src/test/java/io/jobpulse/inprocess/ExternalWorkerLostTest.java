package io.jobpulse.inprocess;

import static org.assertj.core.api.Assertions.assertThat;

import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A worker that goes silent: with a heartbeat timeout of {@value #TIMEOUT_MS} ms, its job ends FAILED
 * {@code worker_lost} once it has not reported for that long (from submit while QUEUED, from the last report while
 * RUNNING), and a watcher sees that end live. The deadline is kept by the database's clock, which no test can move, so
 * the timeout is short and real and every wait is bounded.
 */
@Timeout(60)
class ExternalWorkerLostTest {

    static final long TIMEOUT_MS = 2000;
    /** The sweeper looks every quarter of the timeout (500 ms, with jitter); the rest is slack for a busy machine. */
    static final Duration WITHIN = Duration.ofMillis(TIMEOUT_MS + 4000);

    static InProcessServer server;
    static Rest rest;

    @BeforeAll
    static void start() throws Exception {
        server = InProcessServer.start(Map.of("jobpulse.external.heartbeat-timeout", TIMEOUT_MS + "ms"));
        rest = server.rest();
    }

    @AfterAll
    static void stop() throws Exception {
        if (server != null) {
            server.close();
        }
    }

    @Test
    void aWorkerThatStopsReportingEndsItsJobWorkerLostWithinItsTimeoutSeenLiveByAWatcher() throws Exception {
        JsonObject job = rest.submit("{\"type\":\"external\"}");
        String id = job.getString("id");
        ExternalWorker worker = new ExternalWorker(rest, job);
        try (WsClient ws = WsClient.v1(server)) {
            ws.subscribe(job, 0);
            assertThat(ws.next().getString("type")).isEqualTo("subscribed");
            assertThat(ws.next().getString("state")).isEqualTo("QUEUED");

            worker.accepted("{\"id\":1,\"progress\":{\"done\":1,\"total\":10,\"message\":\"one\"}}");
            long lastReport = System.nanoTime();
            List<JsonObject> events = ws.messagesUntil(id, "FAILED");
            long silentFor = Duration.ofNanos(System.nanoTime() - lastReport).toMillis();

            assertThat(events).extracting(e -> e.getInt("seq")).containsExactly(2, 3, 4);
            JsonObject lost = events.get(2);
            assertThat(lost.getString("kind")).isEqualTo("state");
            assertThat(lost.getJsonObject("error").getString("kind")).isEqualTo("worker_lost");
            assertThat(lost.getJsonObject("error").getString("message"))
                    .isEqualTo("the worker did not report for longer than the heartbeat timeout of PT2S");
            assertThat(lost.getJsonObject("progress").getString("message"))
                    .as("its last progress")
                    .isEqualTo("one");
            assertThat(silentFor)
                    .as("ms from the last report to worker_lost")
                    .isBetween(TIMEOUT_MS - 200, WITHIN.toMillis());
        }
        HttpResponse<String> late = worker.report("{\"id\":2,\"progress\":{\"done\":2,\"total\":10}}");
        assertThat(late.statusCode()).isEqualTo(409);
        assertThat(JsonText.parse(late.body()).getString("state")).isEqualTo("FAILED");
        assertThat(JsonText.parse(late.body()).getBoolean("cancel")).isFalse();
    }

    @Test
    void aWorkerThatNeverReportsEndsItsQueuedJobWorkerLost() throws Exception {
        long submitted = System.nanoTime();
        JsonObject job = rest.submit("{\"type\":\"external\"}");

        JsonObject lost = Await.until(
                () -> rest.job(job.getString("id")),
                j -> !j.getString("state").equals("QUEUED"),
                WITHIN,
                "worker_lost");

        assertThat(Duration.ofNanos(System.nanoTime() - submitted).toMillis()).isGreaterThanOrEqualTo(TIMEOUT_MS - 200);
        assertThat(lost.getString("state")).isEqualTo("FAILED");
        assertThat(lost.getInt("seq")).isEqualTo(2);
        assertThat(lost.getJsonObject("error").getString("kind")).isEqualTo("worker_lost");
        assertThat(lost.get("startedAt")).as("it never ran").isEqualTo(JsonValue.NULL);
    }

    @Test
    void aWorkerThatKeepsReportingKeepsItsJobAliveLongPastTheTimeout() throws Exception {
        JsonObject job = rest.submit("{\"type\":\"external\"}");
        String id = job.getString("id");
        ExternalWorker worker = new ExternalWorker(rest, job);
        try (WsClient ws = WsClient.v1(server)) {
            ws.subscribe(job, 1);
            assertThat(ws.next().getString("type")).isEqualTo("subscribed");
            long start = System.nanoTime();
            for (int beat = 1; Duration.ofNanos(System.nanoTime() - start).toMillis() < 2 * TIMEOUT_MS; beat++) {
                worker.accepted("{\"id\":" + beat + "}");
                if (beat == 1) {
                    assertThat(ws.next().getString("state")).isEqualTo("RUNNING");
                }
                // the worker's pace, a third of the timeout; the watcher sees nothing meanwhile
                assertThat(ws.pollFrame(Duration.ofMillis(TIMEOUT_MS / 3))).isNull();
            }
            assertThat(rest.job(id).getString("state")).isEqualTo("RUNNING");
            worker.accepted("{\"result\":{}}");
            assertThat(ws.next().getString("state")).isEqualTo("SUCCEEDED");
        }
    }
}
