package io.jobpulse.it;

import static org.assertj.core.api.Assertions.assertThat;

import jakarta.json.JsonObject;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The OpenAPI document against the real server: every operation it describes is called, with its success and the
 * error statuses a test can cause (bad JSON, JSON limits, unknown jobs, wrong credentials, too big a body, a wrong
 * content type, conflicts, the report rate's 429 with Retry-After, a 304 for the document itself), and every answer is
 * validated against the document by {@link ApiClient} ({@link OpenApiContract}); each test also asserts the status it
 * expects. Runs on every server: the containers produce some answers themselves (a 415, the SSE stream's framing,
 * the suspended long poll), and a document true on one could be false on another.
 */
class OpenApiIT extends DeployedWar {

    private static final String QUICK = "{\"type\":\"steps\",\"params\":{\"count\":2,\"intervalMs\":0}}";
    private static final Duration END = Duration.ofSeconds(30);
    /** The operations the tests of this class called: at the end, every one of the document. */
    private static final Set<String> CALLED = ConcurrentHashMap.newKeySet();

    /** How many tests of this class ran: the check of every operation needs them all. */
    private static final AtomicInteger RAN = new AtomicInteger();

    private ApiClient anonymous;

    @BeforeEach
    void anonymous() {
        anonymous = new ApiClient(base, null);
    }

    @AfterEach
    void ran() {
        RAN.incrementAndGet();
    }

    @Test
    void theDocumentIsServedAsInTheWarPublicAndCacheable() throws Exception {
        HttpResponse<String> document = expect(anonymous.get("api/openapi.json"), 200, "GET /openapi.json");
        assertThat(document.body()).isEqualTo(resource(OpenApiContract.DOCUMENT));
        assertThat(Json.parse(document.body()).getString("openapi")).isEqualTo("3.1.0");
        assertThat(document.headers().firstValue("Cache-Control"))
                .hasValueSatisfying(c -> assertThat(c).contains("max-age=3600"));
        String etag = document.headers().firstValue("ETag").orElseThrow();
        HttpResponse<String> again = anonymous.request("GET", "api/openapi.json", null, "If-None-Match", etag);
        assertThat(again.statusCode()).isEqualTo(304);
        assertThat(again.body()).isEmpty();
    }

    @Test
    void submitAnswersEachDocumentedStatus() throws Exception {
        JsonObject job = Json.parse(
                expect(alice.post("api/jobs", QUICK), 202, "POST /jobs").body());
        assertThat(job.containsKey("reportToken")).isFalse();
        JsonObject external = Json.parse(expect(alice.post("api/jobs", "{\"type\":\"external\",\"name\":\"e\"}"), 202)
                .body());
        assertThat(external.getString("reportToken")).startsWith("r1.");
        assertThat(external.getJsonObject("links").getString("report")).endsWith("/reports");

        expect(alice.post("api/jobs", "{\"type\":"), 400);
        expect(alice.post("api/jobs", "{\"type\":\"steps\",\"type\":\"steps\"}"), 400);
        expect(alice.post("api/jobs", QUICK, "not a key"), 400);
        expect(anonymous.post("api/jobs", QUICK), 401);
        expect(new ApiClient(base, "wrong").post("api/jobs", QUICK), 401);
        String key = UUID.randomUUID().toString();
        expect(alice.post("api/jobs", QUICK, key), 202);
        expect(alice.post("api/jobs", QUICK, key), 202);
        expect(alice.post("api/jobs", "{\"type\":\"steps\",\"params\":{\"count\":3}}", key), 409);
        expectRaw(
                "POST",
                "api/jobs",
                Map.of(
                        "Authorization",
                        "Bearer " + ApiClient.ALICE,
                        "Content-Type",
                        "application/json",
                        "Content-Length",
                        String.valueOf(2 * 1024 * 1024)),
                413);
        expect(alice.request("POST", "api/jobs", QUICK, "Content-Type", "text/plain"), 415);
        expect(alice.post("api/jobs", "{\"type\":\"no-such-type\"}"), 422);
        JsonObject invalid =
                Json.parse(expect(alice.post("api/jobs", "{\"type\":\"steps\",\"params\":{\"count\":0}}"), 422)
                        .body());
        assertThat(invalid.getJsonArray("violations")).hasSize(1);
    }

    @Test
    void readListAndCancelAnswerEachDocumentedStatus() throws Exception {
        String id = alice.submit(QUICK).getString("id");
        expect(alice.get("api/jobs/" + id), 200, "GET /jobs/{id}");
        expect(anonymous.get("api/jobs/" + id), 401);
        expect(new ApiClient(base, ApiClient.BOB).get("api/jobs/" + id), 404);
        expect(alice.get("api/jobs/AAAAAAAAAAAAAAAAAAAAAA"), 404);

        expect(alice.get("api/jobs?limit=2"), 200, "GET /jobs");
        expect(alice.get("api/jobs?state=succeeded&limit=100"), 200);
        expect(alice.get("api/jobs?limit=0"), 400);
        expect(alice.get("api/jobs?state=BOGUS"), 400);
        expect(anonymous.get("api/jobs"), 401);

        alice.awaitJob(id, j -> j.getString("state").equals("SUCCEEDED"), END);
        expect(alice.post("api/jobs/" + id + "/cancel", ""), 409, "POST /jobs/{id}/cancel");
        String queued = alice.submit("{\"type\":\"external\"}").getString("id");
        JsonObject cancelled = Json.parse(
                expect(alice.post("api/jobs/" + queued + "/cancel", ""), 202).body());
        assertThat(cancelled.getString("state")).isEqualTo("CANCELLED");
        expect(alice.post("api/jobs/" + queued + "/cancel", ""), 202);
        expect(alice.post("api/jobs/AAAAAAAAAAAAAAAAAAAAAA/cancel", ""), 404);
        expect(anonymous.post("api/jobs/" + queued + "/cancel", ""), 401);
    }

    @Test
    void theEventLogAndItsLongPollAnswerEachDocumentedStatus() throws Exception {
        JsonObject job = alice.submit(QUICK);
        String id = job.getString("id");
        alice.awaitJob(id, j -> j.getString("state").equals("SUCCEEDED"), END);
        JsonObject log = Json.parse(expect(alice.get("api/jobs/" + id + "/events"), 200, "GET /jobs/{id}/events")
                .body());
        assertThat(log.getJsonArray("events")
                        .getJsonObject(log.getJsonArray("events").size() - 1)
                        .getJsonObject("result"))
                .isNotNull();
        expect(anonymous.get("api/jobs/" + id + "/events?since=1&limit=2&token=" + job.getString("watchToken")), 200);
        JsonObject waiting = alice.submit("{\"type\":\"external\"}");
        JsonObject empty = Json.parse(expect(
                        anonymous.get("api/jobs/" + waiting.getString("id") + "/events?since=1&wait=1&token="
                                + waiting.getString("watchToken")),
                        200)
                .body());
        assertThat(empty.getJsonArray("events")).isEmpty();
        expect(alice.get("api/jobs/" + id + "/events?since=-1"), 400);
        expect(alice.get("api/jobs/" + id + "/events?wait=61s"), 400);
        expect(anonymous.get("api/jobs/" + id + "/events"), 401);
        expect(anonymous.get("api/jobs/" + id + "/events?token=" + waiting.getString("watchToken")), 404);
    }

    @Test
    void reportsAnswerEachDocumentedStatus() {
        JsonObject job = alice.submit("{\"type\":\"external\",\"name\":\"reports\"}");
        String reports = "api/jobs/" + job.getString("id") + "/reports";
        ApiClient worker = new ApiClient(base, job.getString("reportToken"));

        JsonObject answer = Json.parse(expect(
                        worker.post(reports, "{\"id\":2,\"progress\":{\"done\":1,\"total\":4,\"message\":\"one\"}}"),
                        200,
                        "POST /jobs/{id}/reports")
                .body());
        assertThat(answer.getString("state")).isEqualTo("RUNNING");
        expect(worker.post(reports, "{\"id\":2,\"progress\":{\"done\":1,\"total\":4,\"message\":\"one\"}}"), 200);
        JsonObject stale =
                Json.parse(expect(worker.post(reports, "{\"id\":1}"), 409).body());
        assertThat(stale.getString("type")).isEqualTo("urn:jobpulse:problem:report-out-of-order");
        expect(worker.post(reports, "{\"progress\":{\"done\":5,\"total\":4}}"), 422);
        expect(worker.post(reports, "{\"error\":{\"kind\":\"timeout\"}}"), 422);
        expect(worker.post(reports, "{\"id\":"), 400);
        expect(worker.request("POST", reports, "{}", "Content-Type", "text/plain"), 415);
        expect(alice.post(reports, "{}"), 401);
        expect(anonymous.post(reports, "{}"), 401);
        expect(worker.post("api/jobs/AAAAAAAAAAAAAAAAAAAAAA/reports", "{}"), 401);
        String chunk = "\"" + "x".repeat(60_000) + "\"";
        String big = "{\"result\":{\"a\":" + chunk + ",\"b\":" + chunk + ",\"c\":" + chunk + ",\"d\":" + chunk
                + ",\"e\":" + chunk + "}}"; // 300 000 characters in strings within the JSON limits

        JsonObject tooLarge = Json.parse(expect(worker.post(reports, big), 413).body());
        assertThat(tooLarge.getString("type")).isEqualTo("urn:jobpulse:problem:result-too-large");

        expect(worker.post(reports, "{\"id\":3,\"result\":{\"done\":true}}"), 200);
        JsonObject ended =
                Json.parse(expect(worker.post(reports, "{\"id\":4}"), 409).body());
        assertThat(ended.getString("type")).isEqualTo("urn:jobpulse:problem:job-ended");
        assertThat(ended.getString("state")).isEqualTo("SUCCEEDED");
    }

    @Test
    void aBurstOfReportsMeetsTheReportRateWithRetryAfter() throws Exception {
        JsonObject job = alice.submit("{\"type\":\"external\",\"name\":\"burst\"}");
        String reports = "api/jobs/" + job.getString("id") + "/reports";
        ApiClient worker = new ApiClient(base, job.getString("reportToken"));
        expect(worker.post(reports, "{}"), 200);
        // 40 heartbeats at once against a bucket of 20 a second: the rest are refused, each answer checked by ApiClient
        assertThat(worker.burst(40, reports, "{}")).containsOnly(200, 429).contains(200, 429);
    }

    @Test
    void theFallbackTransportsAnswerEachDocumentedStatus() throws Exception {
        JsonObject job = alice.submit(QUICK);
        String id = job.getString("id");
        String token = job.getString("watchToken");
        alice.awaitJob(id, j -> j.getString("state").equals("SUCCEEDED"), END);

        HttpResponse<String> one = expect(
                anonymous.get("api/jobs/" + id + "/stream?since=0&token=" + token), 200, "GET /jobs/{id}/stream");
        assertThat(one.body()).contains("\"SUCCEEDED\"");
        HttpResponse<String> late = expect(anonymous.get("api/jobs/" + id + "/stream?token=" + token), 200);
        assertThat(late.body()).contains("\"snapshot\"");
        expect(anonymous.get("api/jobs/" + id + "/stream?since=abc&token=" + token), 400);
        expect(anonymous.get("api/jobs/" + id + "/stream?token=v1.forged"), 404);
        expect(anonymous.get("api/jobs/" + id + "/stream"), 404);

        HttpResponse<String> many = expect(
                anonymous.get("api/stream?watch=" + id + ":" + token + ":0&watch=AAAAAAAAAAAAAAAAAAAAAA:" + token),
                200,
                "GET /stream");
        assertThat(many.body()).contains("\"not_found\"").contains("\"SUCCEEDED\"");
        expect(anonymous.get("api/stream"), 400);

        JsonObject polled = Json.parse(expect(
                        anonymous.get("api/poll?watch=" + id + ":" + token + "&watch=AAAAAAAAAAAAAAAAAAAAAA:" + token),
                        200,
                        "GET /poll")
                .body());
        assertThat(polled.getJsonArray("messages").getValuesAs(JsonObject.class))
                .extracting(m -> m.getString("type"))
                .containsExactly("snapshot", "error");
        JsonObject waiting = alice.submit("{\"type\":\"external\"}");
        JsonObject nothing = Json.parse(expect(
                        anonymous.get("api/poll?wait=1&watch=" + waiting.getString("id") + ":"
                                + waiting.getString("watchToken") + ":1"),
                        200)
                .body());
        assertThat(nothing.getJsonArray("messages")).isEmpty();
        expect(anonymous.get("api/poll?watch=nocolon"), 400);
        expect(anonymous.get("api/poll"), 400);
    }

    @Test
    void theJobTypesTheNodeAndTheClusterAnswerAsDocumented() {
        JsonObject types = Json.parse(
                expect(anonymous.get("api/job-types"), 200, "GET /job-types").body());
        assertThat(types.getJsonArray("types").getValuesAs(JsonObject.class))
                .extracting(t -> t.getString("name"))
                .contains("steps", "prime-count", "sha256-digest", "external");

        expect(alice.get("api/node"), 200, "GET /node");
        expect(alice.get("api/node?gc=true"), 200); // jobpulse.test-hooks=true on the servers of the tests
        expect(anonymous.get("api/node"), 401);
        JsonObject nodes =
                Json.parse(expect(alice.get("api/nodes"), 200, "GET /nodes").body());
        assertThat(nodes.getJsonArray("nodes")).hasSize(1);
        expect(anonymous.get("api/nodes"), 401);
    }

    @Test
    void theAdminApiAnswersEachDocumentedStatus() throws Exception {
        ApiClient ops = new ApiClient(base, ApiClient.OPS);
        String id = alice.submit(QUICK).getString("id");
        expect(ops.get("api/admin/whoami"), 200, "GET /admin/whoami");
        expect(alice.get("api/admin/whoami"), 403);
        expect(anonymous.get("api/admin/whoami"), 401);

        expect(ops.get("api/admin/jobs?client=alice&limit=2"), 200, "GET /admin/jobs");
        expect(ops.get("api/admin/jobs?q=" + id), 200);
        JsonObject bad =
                Json.parse(expect(ops.get("api/admin/jobs?from=yesterday"), 400).body());
        assertThat(bad.getString("parameter")).isEqualTo("from");
        expect(alice.get("api/admin/jobs"), 403);
        expect(anonymous.get("api/admin/jobs"), 401);

        expect(ops.get("api/admin/jobs/" + id), 200, "GET /admin/jobs/{id}");
        expect(ops.get("api/admin/jobs/AAAAAAAAAAAAAAAAAAAAAA"), 404);
        expect(alice.get("api/admin/jobs/" + id), 403);

        alice.awaitJob(id, j -> j.getString("state").equals("SUCCEEDED"), END);
        expect(ops.post("api/admin/jobs/" + id + "/cancel", ""), 409, "POST /admin/jobs/{id}/cancel");
        String queued = alice.submit("{\"type\":\"external\"}").getString("id");
        expect(ops.post("api/admin/jobs/" + queued + "/cancel", ""), 202);
        expect(ops.post("api/admin/jobs/AAAAAAAAAAAAAAAAAAAAAA/cancel", ""), 404);
        expect(alice.post("api/admin/jobs/" + queued + "/cancel", ""), 403);
    }

    @Test
    void metricsAndHealthOutsideTheApiAnswerAsDocumented() {
        expect(anonymous.get("health/live"), 200, "GET /health/live");
        expect(anonymous.get("health/ready"), 200, "GET /health/ready");
        expect(anonymous.get("metrics"), 401, "GET /metrics");
        expect(alice.get("metrics"), 401);
        ApiClient prometheus = new ApiClient(base, MetricsIT.TOKEN);
        assertThat(expect(prometheus.get("metrics"), 200).headers().firstValue("Content-Type"))
                .hasValueSatisfying(type -> assertThat(type).startsWith("text/plain"));
        assertThat(expect(
                                prometheus.request(
                                        "GET",
                                        "metrics",
                                        null,
                                        "Accept",
                                        "application/openmetrics-text; version=1.0.0"),
                                200)
                        .headers()
                        .firstValue("Content-Type"))
                .hasValueSatisfying(type -> assertThat(type).startsWith("application/openmetrics-text"));
    }

    /** Every operation of the document was called by the tests above (their answers checked by {@link ApiClient}). */
    @AfterAll
    static void everyOperationWasCalled() {
        long tests = Arrays.stream(OpenApiIT.class.getDeclaredMethods())
                .filter(m -> m.isAnnotationPresent(Test.class))
                .count();
        Assumptions.assumeTrue(RAN.get() == tests, "only some of the tests ran: not every operation was called");
        Set<String> documented = OpenApiContract.jobPulse().operations().stream()
                .map(op -> op.method() + " " + op.template().replaceFirst("^/jobpulse(/api)?", ""))
                .collect(Collectors.toCollection(TreeSet::new));
        assertThat(CALLED).as("operations this IT called").containsExactlyInAnyOrderElementsOf(documented);
    }

    private static HttpResponse<String> expect(HttpResponse<String> response, int status, String operation) {
        CALLED.add(operation);
        return expect(response, status);
    }

    private static HttpResponse<String> expect(HttpResponse<String> response, int status) {
        assertThat(response.statusCode())
                .as(response.request().method() + " " + response.uri() + ": " + response.body())
                .isEqualTo(status);
        return response;
    }

    /**
     * A request {@code HttpClient} will not send as it should (a body declared and never sent: the server answers before
     * it reads it, and closes), over a socket, its answer checked against the document as {@link ApiClient} checks.
     */
    private void expectRaw(String method, String path, Map<String, String> headers, int status) throws IOException {
        URI uri = base.resolve(path);
        try (RawHttp raw = RawHttp.connect(base, END)) {
            raw.head(method, uri.getRawPath(), headers);
            RawHttp.Response response = raw.response();
            assertThat(response.status())
                    .as(method + " " + uri + ": " + response.body())
                    .isEqualTo(status);
            OpenApiContract.jobPulse()
                    .check(new OpenApiContract.Exchange(
                            method,
                            uri,
                            response.status(),
                            response.header("Content-Type"),
                            response.headers().entrySet().stream()
                                    .collect(Collectors.toMap(Map.Entry::getKey, h -> List.of(h.getValue()))),
                            response.body()));
        }
    }

    private static String resource(String name) throws IOException {
        try (InputStream in = OpenApiIT.class.getClassLoader().getResourceAsStream(name)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
