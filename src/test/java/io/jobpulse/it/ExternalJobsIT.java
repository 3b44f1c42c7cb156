package io.jobpulse.it;

import static org.assertj.core.api.Assertions.assertThat;

import jakarta.json.JsonObject;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A job that runs elsewhere, on a real server: submitted over REST, reported by its worker with the report token, as
 * docs/external-jobs.md shows with curl, and watched over the WebSocket. Runs on every server: the reports resource
 * sits beside {@code /api/jobs} at {@code /api/jobs/{id}/reports}, and which resource a path reaches is the JAX-RS
 * implementation's matching (Jersey, RESTEasy). The rules of reports are checked once, in process
 * ({@code ExternalJobsTest}, {@code ExternalWorkerLostTest}).
 */
class ExternalJobsIT extends DeployedWar {

    /** {@code jobpulse.external.heartbeat-timeout} of the servers of the integration tests (pom.xml). */
    private static final Duration HEARTBEAT_TIMEOUT = Duration.ofSeconds(4);

    @Test
    void aWorkersReportsRunTheJobToItsEndAndItsWatcherSeesThemInOrder() throws Exception {
        JsonObject job = alice.submit("{\"type\":\"external\",\"name\":\"invoice export\",\"params\":{\"year\":2026}}");
        String id = job.getString("id");
        assertThat(job.getString("state")).isEqualTo("QUEUED");
        assertThat(job.getJsonObject("links").getString("report")).endsWith("/jobpulse/api/jobs/" + id + "/reports");
        ApiClient worker = new ApiClient(base, job.getString("reportToken"));
        String reports = "api/jobs/" + id + "/reports";

        try (WsClient client = WsClient.connect(ws)) {
            client.subscribe(id, job.getString("watchToken"), 0);
            assertThat(client.next().getString("type")).isEqualTo("subscribed");

            HttpResponse<String> first =
                    worker.post(reports, "{\"id\":1,\"progress\":{\"done\":1,\"total\":2,\"message\":\"a\"}}");
            assertThat(first.statusCode()).as(first.body()).isEqualTo(200);
            assertThat(Json.parse(first.body()).getString("state")).isEqualTo("RUNNING");
            assertThat(worker.post(reports, "{\"id\":2,\"progress\":{\"done\":2,\"total\":2,\"message\":\"b\"}}")
                            .statusCode())
                    .isEqualTo(200);
            HttpResponse<String> end = worker.post(reports, "{\"id\":3,\"result\":{\"invoices\":2}}");
            assertThat(Json.parse(end.body()).getString("state")).isEqualTo("SUCCEEDED");

            List<JsonObject> events = client.untilTerminal(id);
            assertThat(events.stream().map(e -> e.getInt("seq")).toList()).containsExactly(1, 2, 3, 4, 5);
            assertThat(events.stream().map(e -> e.getString("state")).toList())
                    .containsExactly("QUEUED", "RUNNING", "RUNNING", "RUNNING", "SUCCEEDED");
            assertThat(events.get(4).getJsonObject("result").getInt("invoices")).isEqualTo(2);
            assertThat(client.poll(Duration.ofMillis(300)))
                    .as("nothing after the end")
                    .isNull();
        }
        HttpResponse<String> late = worker.post(reports, "{\"id\":4}");
        assertThat(late.statusCode()).isEqualTo(409);
        assertThat(late.headers().firstValue("Content-Type"))
                .hasValueSatisfying(t -> assertThat(t).startsWith("application/problem+json"));
        assertThat(alice.job(id).getString("state")).isEqualTo("SUCCEEDED");
    }

    /** The shell worker of docs/external-jobs.md (bash and curl, in a process of its own) runs a job to its end. */
    @Test
    void theGuidesCurlWorkerRunsItsJobToItsEndAndTheWatcherSeesEveryStep() throws Exception {
        JsonObject job = alice.submit("{\"type\":\"external\",\"name\":\"curl worker\",\"params\":{}}");
        String id = job.getString("id");
        try (WsClient client = WsClient.connect(ws)) {
            client.subscribe(id, job.getString("watchToken"), 0);
            assertThat(client.next().getString("type")).isEqualTo("subscribed");
            try (CurlWorker worker = CurlWorker.start(job, 5, "0")) {
                List<JsonObject> events = client.untilTerminal(id);

                assertThat(events.stream().map(e -> e.getInt("seq")).toList()).containsExactly(1, 2, 3, 4, 5, 6, 7, 8);
                assertThat(events.stream()
                                .map(e -> e.getString("state") + " "
                                        + e.getJsonObject("progress").getInt("done"))
                                .toList())
                        .containsExactly(
                                "QUEUED 0",
                                "RUNNING 0",
                                "RUNNING 1",
                                "RUNNING 2",
                                "RUNNING 3",
                                "RUNNING 4",
                                "RUNNING 5",
                                "SUCCEEDED 5");
                assertThat(events.get(7).getJsonObject("result").getInt("steps"))
                        .isEqualTo(5);
                assertThat(worker.awaitExit(Duration.ofSeconds(20)))
                        .as(worker.output())
                        .isZero();
            }
        }
    }

    /**
     * A worker killed mid-job (SIGKILL: it says nothing more) ends its job FAILED {@code worker_lost} once its
     * heartbeat timeout has passed, and its watcher sees it live, with no gap. The servers of the integration tests
     * run with {@code jobpulse.external.heartbeat-timeout} = {@link #HEARTBEAT_TIMEOUT} (pom.xml), swept every quarter
     * of it.
     */
    @Test
    void aWorkerKilledMidJobEndsItsJobWorkerLostAfterItsHeartbeatTimeoutSeenLive() throws Exception {
        JsonObject job = alice.submit("{\"type\":\"external\",\"name\":\"doomed worker\",\"params\":{}}");
        String id = job.getString("id");
        try (WsClient client = WsClient.connect(ws)) {
            client.subscribe(id, job.getString("watchToken"), 0);
            assertThat(client.next().getString("type")).isEqualTo("subscribed");
            List<JsonObject> events = new ArrayList<>();
            long killedAt;
            try (CurlWorker worker = CurlWorker.start(job, 1000, "0.2")) {
                while (events.isEmpty()
                        || events.get(events.size() - 1)
                                        .getJsonObject("progress")
                                        .getInt("done")
                                < 3) {
                    events.add(client.next());
                }
                worker.kill();
                killedAt = System.nanoTime();
            }
            events.addAll(client.untilTerminal(id));
            Duration lostAfter = Duration.ofNanos(System.nanoTime() - killedAt);

            JsonObject end = events.get(events.size() - 1);
            assertThat(end.getString("state")).isEqualTo("FAILED");
            assertThat(end.getJsonObject("error").getString("kind")).isEqualTo("worker_lost");
            assertThat(events.stream().map(e -> e.getInt("seq")).toList())
                    .as("every event, in order, none missing")
                    .isEqualTo(java.util.stream.IntStream.rangeClosed(1, events.size())
                            .boxed()
                            .toList());
            // its last report came at most one interval (0.2 s) before the kill; the sweep looks every second
            assertThat(lostAfter).isBetween(HEARTBEAT_TIMEOUT.minusSeconds(1), HEARTBEAT_TIMEOUT.plusSeconds(8));
            assertThat(alice.job(id).getJsonObject("error").getString("kind")).isEqualTo("worker_lost");
        }
    }

    @Test
    void onlyTheReportTokenReportsAndItDoesNothingElse() throws Exception {
        JsonObject job = alice.submit("{\"type\":\"external\"}");
        String id = job.getString("id");
        ApiClient worker = new ApiClient(base, job.getString("reportToken"));

        assertThat(alice.post("api/jobs/" + id + "/reports", "{}").statusCode())
                .as("an API key does not report")
                .isEqualTo(401);
        assertThat(worker.get("api/jobs/" + id).statusCode())
                .as("a report token reads nothing")
                .isEqualTo(401);
        assertThat(worker.post("api/jobs", "{\"type\":\"external\"}").statusCode())
                .isEqualTo(401);
        assertThat(alice.post("api/jobs/" + id + "/cancel", "").statusCode()).isEqualTo(202);
        HttpResponse<String> cancelled = worker.post("api/jobs/" + id + "/reports", "{}");
        assertThat(cancelled.statusCode()).isEqualTo(409);
        assertThat(Json.parse(cancelled.body()).getBoolean("cancel")).isTrue();
    }
}
