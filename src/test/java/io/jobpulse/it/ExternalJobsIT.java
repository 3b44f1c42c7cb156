package io.jobpulse.it;

import static org.assertj.core.api.Assertions.assertThat;

import jakarta.json.JsonObject;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
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
            // every event in order, none missing but progress the protocol announces as skipped (a send still under
            // way when the next progress came)
            ClusterWatch.assertNoGap(events, id, 1, end.getInt("seq"), "the watcher");
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

    /**
     * In the WAR a report in its plain shape is served by a servlet filter ({@code ReportFilter}) and anything else by
     * the JAX-RS resource: the refusals of both, on each server, are the documented problems, and none changes the job.
     */
    @Test
    void everyRefusalOfAReportIsAProblemWhicheverLayerServesItAndChangesNothing() throws Exception {
        JsonObject job = alice.submit("{\"type\":\"external\"}");
        String id = job.getString("id");
        String reports = "api/jobs/" + id + "/reports";
        ApiClient worker = new ApiClient(base, job.getString("reportToken"));
        String progress = "{\"id\":2,\"progress\":{\"done\":1,\"total\":4,\"message\":\"one\"}}";

        HttpResponse<String> accepted = worker.post(reports, progress);
        assertThat(accepted.statusCode()).as(accepted.body()).isEqualTo(200);
        assertThat(accepted.headers().firstValue("Content-Type"))
                .hasValueSatisfying(t -> assertThat(t).startsWith("application/json"));
        long seq = alice.job(id).getJsonNumber("seq").longValue();

        HttpResponse<String> forged = new ApiClient(base, job.getString("reportToken") + "A").post(reports, "{}");
        RestHostileInputIT.assertProblem(forged, 401, "Unauthorized");
        assertThat(forged.headers().firstValue("WWW-Authenticate"))
                .hasValueSatisfying(h -> assertThat(h).startsWith("Bearer"));
        RestHostileInputIT.assertProblem(worker.post(reports, "{\"progress\":"), 400, "Bad Request");
        try (RawHttp raw = RawHttp.connect(base, Duration.ofSeconds(30))) {
            raw.head(
                    "POST",
                    "/jobpulse/" + reports,
                    Map.of(
                            "Authorization",
                            "Bearer " + job.getString("reportToken"),
                            "Content-Type",
                            "application/json",
                            "Content-Length",
                            String.valueOf(2 * 1024 * 1024)));
            RestHostileInputIT.assertRawProblem(raw.response(), 413, "Content Too Large");
        }
        RestHostileInputIT.assertProblem(
                worker.post(reports, "{\"id\":3,\"progress\":\"half\"}"), 422, "Unprocessable Content");
        JsonObject stale = RestHostileInputIT.assertProblem(
                worker.post(reports, "{\"id\":1,\"progress\":{\"done\":0,\"total\":4}}"), 409, "Report Out Of Order");
        assertThat(stale.getInt("lastId")).isEqualTo(2);
        RestHostileInputIT.assertProblem(
                worker.request("POST", reports, "{}", "Content-Type", "text/plain"), 415, "Unsupported Media Type");
        // answered by the container's JAX-RS runtime: not in the OpenAPI document, a problem all the same
        for (HttpResponse<String> other : List.of(
                worker.unchecked().request("GET", reports, null),
                worker.unchecked()
                        .request("POST", reports, "{}", "Content-Type", "application/json", "Accept", "text/html"))) {
            assertThat(other.statusCode()).as(other.body()).isIn(405, 406);
            assertThat(other.headers().firstValue("Content-Type"))
                    .hasValueSatisfying(t -> assertThat(t).startsWith("application/problem+json"));
        }

        HttpResponse<String> repeated = worker.post(reports, progress);
        assertThat(repeated.statusCode())
                .as("a retried report is answered again")
                .isEqualTo(200);
        JsonObject after = alice.job(id);
        assertThat(after.getJsonNumber("seq").longValue())
                .as("no refusal and no repeat added an event")
                .isEqualTo(seq);
        assertThat(after.getJsonObject("progress").getInt("done")).isEqualTo(1);
        assertThat(after.getString("state")).isEqualTo("RUNNING");
    }
}
