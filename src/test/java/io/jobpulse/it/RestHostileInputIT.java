package io.jobpulse.it;

import static org.assertj.core.api.Assertions.assertThat;

import jakarta.json.JsonObject;
import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Hostile input on the REST API (issue 5, docs/api.md): credentials and ownership, idempotency races, bodies that
 * are too large, too slow, of the wrong type or hostile JSON, out-of-range parameters and path tricks. Every answer
 * is the documented status with a problem+json body and no internals.
 */
class RestHostileInputIT extends DeployedWar {

    private static final String QUICK = "{\"type\":\"steps\",\"params\":{\"count\":1,\"intervalMs\":0}}";
    private static final String LONG = "{\"type\":\"steps\",\"params\":{\"count\":600,\"intervalMs\":100}}";
    private static final Duration TIMEOUT = Duration.ofSeconds(20);

    /** HTTP/1.1 only: an h2c upgrade would add the server's HTTP/2 limits to every answer. */
    private final HttpClient http = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(TIMEOUT)
            .build();

    private Client alice;
    private Client bob;

    @BeforeEach
    void clients11() {
        alice = new Client(ApiClient.ALICE);
        bob = new Client(ApiClient.BOB);
    }

    /** One API client's requests over {@link #http}. */
    private final class Client {
        private final String key;

        Client(String key) {
            this.key = key;
        }

        HttpResponse<String> get(String path) {
            return send(key, "GET", path, null, null);
        }

        HttpResponse<String> post(String path, String body, String... headers) {
            return send(key, "POST", path, "application/json", body, headers);
        }

        HttpResponse<String> post(String path, String body, String idempotencyKey) {
            return post(path, body, new String[] {"Idempotency-Key", idempotencyKey});
        }

        JsonObject submit(String body) {
            HttpResponse<String> response = post("api/jobs", body);
            assertThat(response.statusCode()).as(response.body()).isEqualTo(202);
            return Json.parse(response.body());
        }

        JsonObject job(String id) {
            HttpResponse<String> response = get("api/jobs/" + id);
            assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
            return Json.parse(response.body());
        }
    }

    // ---- credentials and ownership

    @ContainerIndependent // REST semantics: keys, ownership, idempotency, JSON, parameters
    @Test
    void withoutAValidKeyNothingIsServedAndNothingIsCreated() {
        String id = alice.submit(QUICK).getString("id");
        for (Client stranger : List.of(new Client(null), new Client("wrong-secret"))) {
            assertProblem(stranger.post("api/jobs", QUICK), 401, "Unauthorized");
            assertProblem(stranger.get("api/jobs"), 401, "Unauthorized");
            assertProblem(stranger.get("api/jobs/" + id), 401, "Unauthorized");
            assertProblem(stranger.post("api/jobs/" + id + "/cancel", ""), 401, "Unauthorized");
            // events without a key or token: unknown and forbidden look the same
            assertProblem(stranger.get("api/jobs/" + id + "/events"), 401, "Unauthorized");
        }
    }

    @ContainerIndependent // REST semantics: keys, ownership, idempotency, JSON, parameters
    @Test
    void anotherOwnersJobIsA404LikeAnUnknownOneAndBobCannotCancelIt() throws Exception {
        String alices = alice.submit(LONG).getString("id");
        String unknown = "AAAAAAAAAAAAAAAAAAAAAA";
        for (String id : List.of(alices, unknown)) {
            assertProblem(bob.get("api/jobs/" + id), 404, "Not Found");
            assertProblem(bob.post("api/jobs/" + id + "/cancel", ""), 404, "Not Found");
            assertProblem(bob.get("api/jobs/" + id + "/events"), 404, "Not Found");
            assertProblem(bob.get("api/jobs/" + id + "/events?wait=1"), 404, "Not Found");
            assertThat(bob.get("api/jobs/" + id + "/events?token=v1." + id + ".1.AAAA")
                            .statusCode())
                    .isEqualTo(404);
            // DELETE is no route: the same answer for every id, so no existence oracle
            assertThat(send(ApiClient.BOB, "DELETE", "api/jobs/" + id, null, null)
                            .statusCode())
                    .isEqualTo(405);
        }
        JsonObject still = alice.job(alices);
        assertThat(still.getBoolean("cancelRequested")).isFalse();
        assertThat(still.getString("state")).isIn("QUEUED", "RUNNING");
        assertThat(Json.parse(bob.get("api/jobs?limit=100").body())
                        .getJsonArray("jobs")
                        .getValuesAs(JsonObject.class))
                .extracting(j -> j.getString("id"))
                .doesNotContain(alices);
        alice.post("api/jobs/" + alices + "/cancel", "");
    }

    // ---- idempotency

    @ContainerIndependent // REST semantics: keys, ownership, idempotency, JSON, parameters
    @Test
    void twentyConcurrentIdenticalSubmitsCreateExactlyOneJob() throws Exception {
        String key = UUID.randomUUID().toString();
        ExecutorService pool = Executors.newFixedThreadPool(20);
        try {
            CountDownLatch start = new CountDownLatch(1);
            List<Future<HttpResponse<String>>> answers = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                answers.add(pool.submit(() -> {
                    assertThat(start.await(10, TimeUnit.SECONDS))
                            .as("all twenty submitted together")
                            .isTrue();
                    return alice.post("api/jobs", QUICK, key);
                }));
            }
            start.countDown();
            Set<String> ids = new HashSet<>();
            for (Future<HttpResponse<String>> answer : answers) {
                HttpResponse<String> response = answer.get(30, TimeUnit.SECONDS);
                assertThat(response.statusCode()).as(response.body()).isEqualTo(202);
                ids.add(Json.parse(response.body()).getString("id"));
            }
            assertThat(ids).hasSize(1);
        } finally {
            pool.shutdownNow();
        }
    }

    @ContainerIndependent // REST semantics: keys, ownership, idempotency, JSON, parameters
    @Test
    void theSameKeyWithAnotherBodyIs409() {
        String key = UUID.randomUUID().toString();
        assertThat(alice.post("api/jobs", QUICK, key).statusCode()).isEqualTo(202);
        JsonObject problem = assertProblem(
                alice.post("api/jobs", "{\"type\":\"steps\",\"params\":{\"count\":2}}", key), 409, "Conflict");
        assertThat(problem.getString("detail")).contains("Idempotency-Key");
    }

    @ContainerIndependent // REST semantics: keys, ownership, idempotency, JSON, parameters
    @ParameterizedTest
    @ValueSource(strings = {" ", "has space", "x y z"})
    void aMalformedIdempotencyKeyIs400(String key) {
        assertProblem(alice.post("api/jobs", QUICK, key), 400, "Bad Request");
    }

    @ContainerIndependent // REST semantics: keys, ownership, idempotency, JSON, parameters
    @Test
    void anOverlongIdempotencyKeyIs400() {
        assertProblem(alice.post("api/jobs", QUICK, "k".repeat(201)), 400, "Bad Request");
    }

    // ---- body size and speed

    @Test
    void aDeclaredBodyOverTheLimitIs413BeforeItIsSent() throws Exception {
        try (RawHttp raw = RawHttp.connect(base, TIMEOUT)) {
            raw.head(
                    "POST",
                    "/jobpulse/api/jobs",
                    Map.of(
                            "Authorization",
                            "Bearer " + ApiClient.ALICE,
                            "Content-Type",
                            "application/json",
                            "Content-Length",
                            String.valueOf(2 * 1024 * 1024)));
            assertRawProblem(raw.response(), 413, "Content Too Large");
        }
    }

    @Test
    void aChunkedBodyOverTheLimitIs413() throws Exception {
        long refusedBefore = counter("rest-bodies-refused");
        try (RawHttp raw = RawHttp.connect(base, TIMEOUT)) {
            raw.head(
                    "POST",
                    "/jobpulse/api/jobs",
                    Map.of(
                            "Authorization",
                            "Bearer " + ApiClient.ALICE,
                            "Content-Type",
                            "application/json",
                            "Transfer-Encoding",
                            "chunked"));
            byte[] chunk =
                    ("{\"type\":\"steps\",\"name\":\"" + "x".repeat(16 * 1024)).getBytes(StandardCharsets.US_ASCII);
            int sent = 0;
            while (sent < 4 * 1024 * 1024 && !raw.answered() && raw.sendChunk(chunk)) {
                sent += chunk.length;
            }
            assertThat(sent).as("bytes sent before the answer").isGreaterThan(1024 * 1024);
            assertRawProblem(raw.response(), 413, "Content Too Large");
        }
        assertThat(counter("rest-bodies-refused")).isGreaterThan(refusedBefore);
    }

    @Test
    void aBodyTrickledAByteAtATimeIs408AndOthersAreServedMeanwhile() throws Exception {
        long started = System.nanoTime();
        try (RawHttp raw = RawHttp.connect(base, Duration.ofSeconds(40))) {
            raw.head(
                    "POST",
                    "/jobpulse/api/jobs",
                    Map.of(
                            "Authorization",
                            "Bearer " + ApiClient.ALICE,
                            "Content-Type",
                            "application/json",
                            "Content-Length",
                            "5000"));
            byte[] space = {' '};
            int sent = 0;
            while (!raw.answered() && sent < 200 && raw.send(space)) {
                sent++;
                Thread.sleep(200);
                if (sent == 10) {
                    assertThat(alice.get("api/jobs?limit=1").statusCode())
                            .as("served meanwhile")
                            .isEqualTo(200);
                }
            }
            RawHttp.Response response = raw.response();
            assertRawProblem(response, 408, "Request Timeout");
            assertThat(Json.parse(response.body()).getString("detail")).contains("too slowly");
        }
        assertThat(Duration.ofNanos(System.nanoTime() - started))
                .isBetween(Duration.ofSeconds(20), Duration.ofSeconds(40));
    }

    // ---- content types

    @ParameterizedTest
    @ValueSource(
            strings = {
                "text/plain",
                "application/x-www-form-urlencoded",
                "application/xml",
                "text/html",
                "multipart/form-data; boundary=x"
            })
    void aBodyThatIsNotJsonIs415WithAProblem(String type) {
        String body = type.contains("xml")
                ? "<?xml version=\"1.0\"?><!DOCTYPE r [<!ENTITY x SYSTEM \"file:///etc/passwd\">]><r>&x;</r>"
                : QUICK;
        HttpResponse<String> response = send(ApiClient.ALICE, "POST", "api/jobs", type, body);
        assertProblem(response, 415, "Unsupported Media Type");
        assertThat(response.body()).doesNotContain("root:");
    }

    @ContainerIndependent // REST semantics: keys, ownership, idempotency, JSON, parameters
    @Test
    void jsonWithACharsetParameterIsAccepted() {
        assertThat(send(ApiClient.ALICE, "POST", "api/jobs", "application/json; charset=utf-8", QUICK)
                        .statusCode())
                .isEqualTo(202);
    }

    // ---- hostile JSON

    @ContainerIndependent // REST semantics: keys, ownership, idempotency, JSON, parameters
    @ParameterizedTest
    @ValueSource(
            strings = {
                "{\"type\":",
                "{type:\"steps\"}",
                "{\"type\":\"steps\",}",
                "[]",
                "\"steps\"",
                "null",
                "{\"type\":\"steps\"}{\"type\":\"steps\"}",
                "{\"type\":\"steps\"} trailing",
                "{\"type\":\"steps\"}]"
            })
    void malformedJsonIs400WithAProblem(String body) {
        JsonObject problem = assertProblem(alice.post("api/jobs", body), 400, "Bad Request");
        assertThat(problem.getString("type")).isEqualTo("about:blank");
        assertThat(problem.getString("detail")).startsWith("The request body is not a valid JSON object");
    }

    @ContainerIndependent // REST semantics: keys, ownership, idempotency, JSON, parameters
    @Test
    void trailingGarbageIsNamed() {
        assertThat(assertProblem(alice.post("api/jobs", QUICK + QUICK), 400, "Bad Request")
                        .getString("detail"))
                .contains("text after the JSON object");
    }

    @ContainerIndependent // REST semantics: keys, ownership, idempotency, JSON, parameters
    @Test
    void jsonThatBreaksALimitIs400NamingTheRule() {
        long refusedBefore = counter("rest-bodies-refused");
        Map<String, String> cases = Map.of(
                "[".repeat(100_000),
                "max-depth",
                "{\"type\":\"steps\",\"params\":{\"count\":1e1000000}}",
                "max-exponent",
                "{\"type\":\"steps\",\"params\":{\"count\":" + "1".repeat(60 * 1024) + "}}",
                "max-number-length",
                "{\"type\":\"steps\",\"type\":\"prime-count\"}",
                "duplicate-key",
                "{\"type\":\"steps\",\"params\":{\"count\":1,\"\\u0063ount\":2}}",
                "duplicate-key",
                "{\"type\":\"steps\",\"name\":\"" + "n".repeat(70_000) + "\"}",
                "max-string-length");
        cases.forEach((body, rule) -> {
            JsonObject problem = assertProblem(alice.post("api/jobs", body), 400, "JSON Limit Exceeded");
            assertThat(problem.getString("type")).isEqualTo("urn:jobpulse:problem:json-limit");
            assertThat(problem.getString("rule")).as(rule).isEqualTo(rule);
            assertThat(problem.getString("detail"))
                    .hasSizeLessThan(120)
                    .doesNotContain("1e1000000")
                    .doesNotContain("nnnn");
        });
        assertThat(counter("rest-bodies-refused")).isGreaterThanOrEqualTo(refusedBefore + cases.size());
    }

    @ContainerIndependent // REST semantics: keys, ownership, idempotency, JSON, parameters
    @Test
    void aValidBodyAtTheDepthLimitIsAccepted() {
        String deep = "{\"a\":".repeat(30) + "1" + "}".repeat(30);
        // 32 levels: the request object, params, and 30 nested objects in a parameter the type does not know
        JsonObject problem = assertProblem(
                alice.post("api/jobs", "{\"type\":\"steps\",\"params\":{\"x\":" + deep + "}}"),
                422,
                "Unprocessable Content");
        assertThat(problem.containsKey("violations"))
                .as("parsed, then judged by the job type")
                .isTrue();
    }

    // ---- query parameters

    @ContainerIndependent // REST semantics: keys, ownership, idempotency, JSON, parameters
    @ParameterizedTest
    @ValueSource(
            strings = {
                "api/jobs?limit=-1",
                "api/jobs?limit=0",
                "api/jobs?limit=101",
                "api/jobs?limit=1000000000000",
                "api/jobs?limit=99999999999999999999999",
                "api/jobs?limit=abc",
                "api/jobs?limit=1e3",
                "api/jobs?state=%00",
                "api/jobs?cursor=%00",
                "api/jobs?cursor=cjk5OTk5OTk5OTk5OTk5OTk5OTk5OTk5",
                "api/jobs?cursor=!!!"
            })
    void outOfRangeListParametersAre400(String path) {
        assertProblem(alice.get(path), 400, "Bad Request");
    }

    @ContainerIndependent // REST semantics: keys, ownership, idempotency, JSON, parameters
    @Test
    void aHugeCursorIs400() {
        assertProblem(alice.get("api/jobs?cursor=" + "QUFB".repeat(1000)), 400, "Bad Request");
    }

    @ContainerIndependent // REST semantics: keys, ownership, idempotency, JSON, parameters
    @Test
    void outOfRangeEventParametersAre400() {
        String id = alice.submit(QUICK).getString("id");
        for (String query : List.of(
                "since=-1",
                "since=1e3",
                "since=99999999999999999999",
                "limit=0",
                "limit=1001",
                "limit=1000000000000",
                "wait=-5",
                "wait=forever")) {
            assertProblem(alice.get("api/jobs/" + id + "/events?" + query), 400, "Bad Request");
        }
    }

    // ---- path tricks

    @ParameterizedTest
    @ValueSource(
            strings = {
                "api/jobs/..%2f..%2fnode",
                "api/jobs/%2e%2e/node",
                "api/jobs/%00",
                "api/jobs/a%00b",
                "api/jobs/..;/node",
                "api/jobs/%252e%252e",
                "api/jobs/%2e%2e%2f%2e%2e%2fWEB-INF%2fweb.xml",
                "api/jobs/AAAAAAAAAAAAAAAAAAAAAA%00"
            })
    void pathTricksAre400Or404WithoutInternals(String path) {
        HttpResponse<String> response = alice.get(path);
        assertThat(response.statusCode()).as(path + " -> " + response.body()).isIn(400, 404);
        assertThat(response.body())
                .doesNotContain("Exception")
                .doesNotContain("\tat ")
                .doesNotContain("heapUsedBytes");
    }

    @Test
    void aTenKilobyteJobIdIsRefusedWithoutInternals() {
        HttpResponse<String> response = alice.get("api/jobs/" + "x".repeat(10 * 1024));
        assertThat(response.statusCode()).as(response.body()).isIn(400, 404, 414, 431);
        assertThat(response.body()).doesNotContain("Exception").doesNotContain("\tat ");
    }

    @Test
    void aSevenKilobyteJobIdIsA404Problem() {
        assertProblem(alice.get("api/jobs/" + "x".repeat(7 * 1024)), 404, "Not Found");
        assertProblem(alice.get("api/jobs/" + "x".repeat(7 * 1024) + "/events"), 404, "Not Found");
        assertProblem(alice.post("api/jobs/" + "x".repeat(7 * 1024) + "/cancel", ""), 404, "Not Found");
    }

    // ---- helpers

    private long counter(String name) {
        return Json.parse(alice.get("api/node").body())
                .getJsonObject("counters")
                .getJsonNumber(name)
                .longValue();
    }

    private HttpResponse<String> send(
            String key, String method, String path, String contentType, String body, String... headers) {
        HttpRequest.Builder request = HttpRequest.newBuilder(base.resolve(path))
                .timeout(TIMEOUT)
                .method(
                        method,
                        body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (key != null) {
            request.header("Authorization", "Bearer " + key);
        }
        if (contentType != null) {
            request.header("Content-Type", contentType);
        }
        for (int i = 0; i < headers.length; i += 2) {
            request.header(headers[i], headers[i + 1]);
        }
        try {
            return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new AssertionError(method + " " + path + " failed", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }

    /** The answer is this problem, and as the OpenAPI document describes it ({@link OpenApiContract}). */
    static JsonObject assertProblem(HttpResponse<String> response, int status, String title) {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
        OpenApiContract.jobPulse().check(ApiClient.exchange(response));
        assertThat(response.headers().firstValue("Content-Type"))
                .hasValueSatisfying(type -> assertThat(type).startsWith("application/problem+json"));
        return problemBody(response.body(), status, title);
    }

    static JsonObject assertRawProblem(RawHttp.Response response, int status, String title) {
        assertThat(response.status()).as(response.body()).isEqualTo(status);
        assertThat(response.header("Content-Type"))
                .hasValueSatisfying(type -> assertThat(type).startsWith("application/problem+json"));
        return problemBody(response.body(), status, title);
    }

    private static JsonObject problemBody(String body, int status, String title) {
        JsonObject problem = Json.parse(body);
        assertThat(problem.getInt("status")).isEqualTo(status);
        assertThat(problem.getString("title")).isEqualTo(title);
        assertThat(problem.getString("type")).isNotBlank();
        assertThat(problem.getString("detail"))
                .isNotBlank()
                .doesNotContain("Exception")
                .doesNotContain("\tat ");
        return problem;
    }
}
