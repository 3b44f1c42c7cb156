package io.jobpulse.inprocess;

import static org.assertj.core.api.Assertions.assertThat;

import io.jobpulse.job.JobId;
import io.jobpulse.security.ReportTokens;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Jobs that run elsewhere (docs/external-jobs.md) on the in-process server, at the wire: submitting an external job,
 * its worker's reports over REST with the report token, what watchers see over the WebSocket, idempotent retries,
 * the refusals (each a problem with a documented status, changing nothing), cancel, and which credential may do what.
 * Each job's worker sends at most {@value #RATE} reports at once, the burst the rate limit allows.
 */
@Timeout(60)
class ExternalJobsTest {

    static final int RATE = 5;
    static final String ALICE = "Bearer alice-secret-key-0123";
    static final String BOB = "Bearer bob-secret-key-0123";

    static InProcessServer server;
    static Rest rest;

    @BeforeAll
    static void start() throws Exception {
        server = InProcessServer.start(Map.of(
                "jobpulse.api-keys",
                "alice:alice-secret-key-0123,bob:bob-secret-key-0123",
                "jobpulse.external.reports-per-second",
                Integer.toString(RATE)));
        rest = server.rest();
    }

    @AfterAll
    static void stop() throws Exception {
        if (server != null) {
            server.close();
        }
    }

    @Test
    void aWorkersReportsRunTheJobToItsEndAndAWatcherSeesEveryEventInOrder() throws Exception {
        JsonObject job = submit(ALICE, "{\"type\":\"external\",\"name\":\"export\",\"params\":{\"file\":\"a.csv\"}}");
        String id = job.getString("id");
        assertThat(job.getString("state")).isEqualTo("QUEUED");
        assertThat(job.getBoolean("external")).isTrue();
        assertThat(job.get("node")).isEqualTo(JsonValue.NULL);
        assertThat(job.getJsonObject("params").getString("file")).isEqualTo("a.csv");
        assertThat(job.getString("reportToken")).startsWith("r1." + id + ".");
        assertThat(job.getJsonObject("links").getString("report"))
                .isEqualTo(server.api("jobs/" + id + "/reports").toString());
        assertThat(job.get("lastReportAt")).as("no report yet").isEqualTo(JsonValue.NULL);
        ExternalWorker worker = new ExternalWorker(rest, job);

        try (WsClient ws = WsClient.v1(server)) {
            ws.subscribe(job, 0);
            assertThat(ws.next().getString("type")).isEqualTo("subscribed");
            assertThat(ws.next().getInt("seq")).as("the replayed QUEUED event").isEqualTo(1);

            assertThat(worker.accepted("{\"id\":1,\"progress\":{\"done\":1,\"total\":3,\"message\":\"one\"}}"))
                    .isEqualTo(JsonText.parse(
                            "{\"job\":\"" + id + "\",\"state\":\"RUNNING\",\"seq\":3,\"cancel\":false}"));
            assertThat(worker.accepted("{\"id\":2,\"progress\":{\"done\":2,\"total\":3,\"message\":\"two\"}}")
                            .getInt("seq"))
                    .isEqualTo(4);
            Instant beforeHeartbeat = Instant.parse(get(ALICE, id).getString("lastReportAt"));
            assertThat(worker.accepted("{\"id\":3}").getInt("seq"))
                    .as("a heartbeat adds no event")
                    .isEqualTo(4);
            assertThat(Instant.parse(get(ALICE, id).getString("lastReportAt")))
                    .as("but the view says the worker was heard from")
                    .isAfterOrEqualTo(beforeHeartbeat);
            assertThat(worker.accepted("{\"id\":4,\"progress\":{\"done\":3,\"total\":3,\"message\":\"three\"}}")
                            .getInt("seq"))
                    .isEqualTo(5);
            JsonObject end = worker.accepted("{\"id\":5,\"result\":{\"rows\":3}}");
            assertThat(end.getString("state")).isEqualTo("SUCCEEDED");
            assertThat(end.getInt("seq")).isEqualTo(6);

            List<JsonObject> events = ws.messagesUntil(id, "SUCCEEDED");
            assertThat(events).extracting(e -> e.getInt("seq")).containsExactly(2, 3, 4, 5, 6);
            assertThat(events)
                    .extracting(e -> e.getString("kind") + " " + e.getString("state"))
                    .containsExactly(
                            "state RUNNING",
                            "progress RUNNING",
                            "progress RUNNING",
                            "progress RUNNING",
                            "state SUCCEEDED");
            assertThat(events)
                    .extracting(e -> e.getJsonObject("progress").getString("message"))
                    .containsExactly("", "one", "two", "three", "three");
            assertThat(events.get(4).getJsonObject("result").getInt("rows")).isEqualTo(3);
            assertThat(ws.pollFrame(Duration.ofMillis(200)))
                    .as("nothing after the end")
                    .isNull();
        }
        JsonObject stored = get(ALICE, id);
        assertThat(stored.getString("state")).isEqualTo("SUCCEEDED");
        assertThat(stored.get("node")).isEqualTo(JsonValue.NULL);
        assertThat(stored.getJsonObject("links").getString("report")).endsWith("/jobs/" + id + "/reports");
        assertThat(stored).as("the report token is given once, at submit").doesNotContainKey("reportToken");
    }

    @Test
    void aRetriedReportIsAnsweredAsBeforeAndAddsNoEventAndAnOlderOneIsOutOfOrder() throws Exception {
        JsonObject job = submit(ALICE, "{\"type\":\"external\"}");
        ExternalWorker worker = new ExternalWorker(rest, job);
        JsonObject first = worker.accepted("{\"id\":7,\"progress\":{\"done\":1,\"total\":2}}");

        JsonObject retried = worker.accepted("{\"id\":7,\"progress\":{\"done\":1,\"total\":2}}");
        HttpResponse<String> older = worker.report("{\"id\":6,\"progress\":{\"done\":2,\"total\":2}}");

        assertThat(retried).isEqualTo(first);
        assertProblem(older, 409, "urn:jobpulse:problem:report-out-of-order");
        assertThat(JsonText.parse(older.body()).getInt("lastId")).isEqualTo(7);
        assertThat(eventSeqs(job)).containsExactly(1, 2, 3);
        assertThat(get(ALICE, job.getString("id")).getJsonObject("progress").getInt("done"))
                .isEqualTo(1);
        assertThat(worker.accepted("{\"id\":8,\"result\":{}}").getString("state"))
                .isEqualTo("SUCCEEDED");
        assertThat(worker.accepted("{\"id\":8,\"result\":{}}").getString("state"))
                .as("a retry of the last report, after the end it made")
                .isEqualTo("SUCCEEDED");
        assertThat(eventSeqs(job)).containsExactly(1, 2, 3, 4);
    }

    @Test
    void aReportAfterTheEndIsRefusedSayingTheStateAndChangesNothing() throws Exception {
        JsonObject job = submit(ALICE, "{\"type\":\"external\"}");
        ExternalWorker worker = new ExternalWorker(rest, job);
        worker.accepted("{\"id\":1,\"error\":{\"kind\":\"export_failed\",\"message\":\"disk full\"}}");

        HttpResponse<String> late = worker.report("{\"id\":2,\"progress\":{\"done\":1}}");

        assertProblem(late, 409, "urn:jobpulse:problem:job-ended");
        JsonObject problem = JsonText.parse(late.body());
        assertThat(problem.getString("state")).isEqualTo("FAILED");
        assertThat(problem.getBoolean("cancel")).isFalse();
        assertThat(problem.getInt("seq")).isEqualTo(3);
        JsonObject failed = get(ALICE, job.getString("id"));
        assertThat(failed.getJsonObject("error").getString("kind")).isEqualTo("export_failed");
        assertThat(failed.getJsonObject("error").getString("message")).isEqualTo("disk full");
        assertThat(eventSeqs(job)).containsExactly(1, 2, 3);
    }

    @Test
    void cancelEndsTheJobAtOnceForItsWatcherAndTheWorkerLearnsItFromItsNextReport() throws Exception {
        JsonObject job = submit(ALICE, "{\"type\":\"external\"}");
        String id = job.getString("id");
        ExternalWorker worker = new ExternalWorker(rest, job);
        worker.accepted("{\"id\":1,\"progress\":{\"done\":1,\"total\":10}}");
        try (WsClient ws = WsClient.v1(server)) {
            ws.subscribe(job, 3);
            assertThat(ws.next().getString("type")).isEqualTo("subscribed");

            HttpResponse<String> cancel = post(server.api("jobs/" + id + "/cancel"), ALICE, "");
            assertThat(cancel.statusCode()).isEqualTo(202);
            assertThat(JsonText.parse(cancel.body()).getString("state")).isEqualTo("CANCELLED");

            List<JsonObject> events = ws.messagesUntil(id, "CANCELLED");
            assertThat(events).extracting(e -> e.getInt("seq")).containsExactly(4);
            assertThat(events.get(0).getString("kind")).isEqualTo("state");
        }
        HttpResponse<String> next = worker.report("{\"id\":2,\"progress\":{\"done\":2,\"total\":10}}");
        assertProblem(next, 409, "urn:jobpulse:problem:job-ended");
        assertThat(JsonText.parse(next.body()).getBoolean("cancel")).isTrue();
        assertThat(JsonText.parse(next.body()).getString("state")).isEqualTo("CANCELLED");
        assertThat(eventSeqs(job)).containsExactly(1, 2, 3, 4);

        JsonObject queued = submit(ALICE, "{\"type\":\"external\"}");
        assertThat(JsonText.parse(post(server.api("jobs/" + queued.getString("id") + "/cancel"), ALICE, "")
                                .body())
                        .getString("state"))
                .as("a queued external job is cancelled at once too")
                .isEqualTo("CANCELLED");
    }

    @Test
    void theReportTokenReportsNothingButItsJobAndDoesNothingElse() throws Exception {
        JsonObject a = submit(ALICE, "{\"type\":\"external\"}");
        JsonObject b = submit(ALICE, "{\"type\":\"external\"}");
        String reportToken = "Bearer " + a.getString("reportToken");
        String idA = a.getString("id");

        assertProblem(new ExternalWorker(rest, b).reportWith(reportToken, "{}"), 401, "about:blank");
        assertProblem(get(server.api("jobs/" + idA), reportToken), 401, "about:blank");
        assertProblem(get(server.api("jobs"), reportToken), 401, "about:blank");
        assertProblem(post(server.api("jobs"), reportToken, "{\"type\":\"external\"}"), 401, "about:blank");
        assertProblem(post(server.api("jobs/" + idA + "/cancel"), reportToken, ""), 401, "about:blank");
        assertProblem(
                get(server.api("jobs/" + idA + "/events?token=" + a.getString("reportToken")), null),
                404,
                "about:blank");
        try (WsClient ws = WsClient.v1(server)) {
            ws.send("{\"type\":\"subscribe\",\"job\":\"" + idA + "\",\"token\":\"" + a.getString("reportToken")
                    + "\"}");
            JsonObject refused = ws.next();
            assertThat(refused.getString("type")).isEqualTo("error");
            assertThat(refused.getString("code")).isEqualTo("not_found");
        }
        assertThat(eventSeqs(a)).containsExactly(1);
        assertThat(eventSeqs(b)).containsExactly(1);
    }

    @Test
    void onlyTheReportTokenOfTheJobReportsIt() throws Exception {
        JsonObject job = submit(ALICE, "{\"type\":\"external\"}");
        ExternalWorker worker = new ExternalWorker(rest, job);
        String forged = worker.token().substring(0, worker.token().lastIndexOf('.') + 1) + "A".repeat(43);
        String otherJobs = "Bearer " + server.bean(ReportTokens.class).issue(JobId.random());

        for (String authorization : new String[] {
            null,
            "",
            ALICE,
            BOB,
            "Bearer " + job.getString("watchToken"),
            "Bearer " + forged,
            otherJobs,
            worker.token(),
            "Basic " + worker.token()
        }) {
            HttpResponse<String> refused = worker.reportWith(authorization, "{\"progress\":{\"done\":1}}");
            assertProblem(refused, 401, "about:blank");
            assertThat(refused.headers().firstValue("WWW-Authenticate")).contains("Bearer realm=\"jobpulse\"");
        }
        HttpResponse<String> expired = worker.reportWith(
                "Bearer "
                        + new ReportTokens(
                                        InProcessServer.DEFAULTS
                                                .get("jobpulse.token-secret")
                                                .getBytes(java.nio.charset.StandardCharsets.UTF_8),
                                        Duration.ofSeconds(-1),
                                        java.time.Clock.systemUTC())
                                .issue(new JobId(job.getString("id"))),
                "{}");
        assertProblem(expired, 401, "about:blank");
        assertThat(get(ALICE, job.getString("id")).getString("state")).isEqualTo("QUEUED");
        assertThat(eventSeqs(job)).containsExactly(1);
    }

    @Test
    void aJobRunByAHandlerTakesNoReport() throws Exception {
        JsonObject steps = submit(ALICE, "{\"type\":\"steps\",\"params\":{\"count\":1,\"intervalMs\":0}}");
        assertThat(steps).doesNotContainKey("reportToken");
        assertThat(steps.getJsonObject("links")).doesNotContainKey("report");
        String id = steps.getString("id");
        awaitEnd(id);
        String token = "Bearer " + server.bean(ReportTokens.class).issue(new JobId(id));

        HttpResponse<String> refused = post(server.api("jobs/" + id + "/reports"), token, "{}");

        assertProblem(refused, 409, "urn:jobpulse:problem:not-external");
    }

    @Test
    void aWorkerMayNotReportAnErrorKindJobPulseReserves() throws Exception {
        JsonObject job = submit(ALICE, "{\"type\":\"external\"}");
        ExternalWorker worker = new ExternalWorker(rest, job);

        for (String kind : List.of("worker_lost", "timeout", "interrupted", "handler_error", "unknown_type")) {
            HttpResponse<String> refused = worker.report("{\"error\":{\"kind\":\"" + kind + "\",\"message\":\"x\"}}");
            assertProblem(refused, 422, "about:blank");
            assertThat(JsonText.parse(refused.body()).getString("detail")).contains("'" + kind + "' is reserved");
        }
        assertThat(get(ALICE, job.getString("id")).getString("state")).isEqualTo("QUEUED");
        assertThat(eventSeqs(job)).containsExactly(1);
    }

    @Test
    void badBodiesAreRefusedWithTheirOwnStatusAndChangeNothing() throws Exception {
        JsonObject job = submit(ALICE, "{\"type\":\"external\"}");
        ExternalWorker worker = new ExternalWorker(rest, job);

        assertProblem(worker.report("{\"progress\":"), 400, "about:blank");
        assertProblem(worker.report("{\"progress\":{\"done\":5,\"total\":3}}"), 422, "about:blank");
        assertProblem(worker.report("{\"progress\":{\"done\":1},\"result\":{}}"), 422, "about:blank");
        String chunk = "\"" + "x".repeat(60_000) + "\"";
        String overTheResultLimit =
                "{\"result\":{\"big\":[" + String.join(",", java.util.Collections.nCopies(5, chunk)) + "]}}";
        HttpResponse<String> tooLarge = worker.report(overTheResultLimit);
        assertProblem(tooLarge, 413, "urn:jobpulse:problem:result-too-large");
        assertThat(JsonText.parse(tooLarge.body()).getString("detail")).contains("at most 262144");
        assertProblem(worker.report("{\"result\":{\"big\":\"" + "x".repeat(1024 * 1024) + "\"}}"), 413, "about:blank");
        assertThat(eventSeqs(job)).containsExactly(1);
    }

    @Test
    void aJobOverItsReportRateIsRefusedWithRetryAfterAndTheRefusedReportChangesNothing() throws Exception {
        JsonObject job = submit(ALICE, "{\"type\":\"external\"}");
        ExternalWorker worker = new ExternalWorker(rest, job);
        HttpResponse<String> answer = null;
        int accepted = 0;
        for (int i = 1; i <= 100 && (answer == null || answer.statusCode() == 200); i++) {
            answer = worker.report("{\"id\":" + i + "}");
            accepted += answer.statusCode() == 200 ? 1 : 0;
        }

        assertProblem(answer, 429, "urn:jobpulse:problem:report-rate");
        assertThat(answer.headers().firstValue("Retry-After")).contains("1");
        assertThat(JsonText.parse(answer.body()).getString("detail"))
                .isEqualTo("At most " + RATE + " reports per second per job.");
        assertThat(accepted).isGreaterThanOrEqualTo(RATE);
        long seq = get(ALICE, job.getString("id")).getJsonNumber("seq").longValue();
        assertProblem(
                worker.report("{\"id\":1000,\"progress\":{\"done\":9}}"), 429, "urn:jobpulse:problem:report-rate");
        assertThat(get(ALICE, job.getString("id")).getJsonNumber("seq").longValue())
                .isEqualTo(seq);
    }

    @Test
    void theSchedulerNeverClaimsAnExternalJob() throws Exception {
        JsonObject external = submit(ALICE, "{\"type\":\"external\"}");
        JsonObject steps = submit(ALICE, "{\"type\":\"steps\",\"params\":{\"count\":1,\"intervalMs\":0}}");

        assertThat(awaitEnd(steps.getString("id")).getString("state")).isEqualTo("SUCCEEDED");

        JsonObject still = get(ALICE, external.getString("id"));
        assertThat(still.getString("state")).isEqualTo("QUEUED");
        assertThat(still.getInt("seq")).isEqualTo(1);
        assertThat(still.get("node")).isEqualTo(JsonValue.NULL);
    }

    @Test
    void jobTypesListTheExternalTypesMarkedAsExternal() throws Exception {
        JsonObject types = JsonText.parse(get(server.api("job-types"), null).body());

        JsonObject external = types.getJsonArray("types").stream()
                .map(JsonValue::asJsonObject)
                .filter(t -> t.getString("name").equals("external"))
                .findFirst()
                .orElseThrow();
        assertThat(external.getBoolean("external")).isTrue();
        assertThat(external.getBoolean("anyParameters")).isTrue();
        assertThat(external.getJsonNumber("heartbeatTimeoutMs").longValue()).isEqualTo(60_000);
        assertThat(external.getJsonArray("parameters")).isEmpty();
        assertThat(types.getJsonArray("types").stream()
                        .map(JsonValue::asJsonObject)
                        .filter(t -> !t.getString("name").equals("external")))
                .isNotEmpty()
                .allSatisfy(t -> assertThat(t.getBoolean("external")).isFalse());
    }

    // ---- helpers

    static JsonObject submit(String authorization, String body) throws Exception {
        HttpResponse<String> response = post(server.api("jobs"), authorization, body);
        assertThat(response.statusCode()).as(response.body()).isEqualTo(202);
        return JsonText.parse(response.body());
    }

    static JsonObject get(String authorization, String id) throws Exception {
        HttpResponse<String> response = get(server.api("jobs/" + id), authorization);
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return JsonText.parse(response.body());
    }

    static JsonObject awaitEnd(String id) throws Exception {
        return Await.until(
                () -> get(ALICE, id),
                j -> j.getString("state").matches("SUCCEEDED|FAILED|CANCELLED"),
                "job " + id + " ends");
    }

    static List<Integer> eventSeqs(JsonObject job) throws Exception {
        HttpResponse<String> response = get(server.api("jobs/" + job.getString("id") + "/events"), ALICE);
        return JsonText.parse(response.body()).getJsonArray("events").stream()
                .map(e -> e.asJsonObject().getInt("seq"))
                .toList();
    }

    static HttpResponse<String> post(URI uri, String authorization, String body) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri)
                .timeout(Rest.TIMEOUT)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body));
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        return rest.http().send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    static HttpResponse<String> get(URI uri, String authorization) throws Exception {
        HttpRequest.Builder request =
                HttpRequest.newBuilder(uri).timeout(Rest.TIMEOUT).GET();
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        return rest.http().send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    static void assertProblem(HttpResponse<String> response, int status, String type) {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
        assertThat(response.headers().firstValue("Content-Type"))
                .hasValueSatisfying(t -> assertThat(t).startsWith("application/problem+json"));
        JsonObject problem = JsonText.parse(response.body());
        assertThat(problem.getInt("status")).isEqualTo(status);
        assertThat(problem.getString("type")).isEqualTo(type);
        assertThat(problem.getString("detail")).isNotBlank();
    }
}
