package io.jobpulse.it;

import static org.assertj.core.api.Assertions.assertThat;

import jakarta.json.JsonObject;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The REST contract of docs/api.md: statuses, problem+json bodies, ownership, idempotency, paging. */
// runs once, on Tomcat 10.1: REST semantics (status codes, idempotency, paging) are JobPulse's own
@ContainerIndependent
class RestApiIT extends DeployedWar {

    private static final String QUICK = "{\"type\":\"steps\",\"params\":{\"count\":1,\"intervalMs\":0}}";

    private ApiClient bob;

    @BeforeEach
    void bob() {
        bob = new ApiClient(base, ApiClient.BOB);
    }

    @Test
    void submitAnswers202WithLocationWatchTokenAndLinks() {
        HttpResponse<String> response =
                alice.post("api/jobs", "{\"type\":\"steps\",\"name\":\"nightly\"," + "\"params\":{\"count\":2}}");
        assertThat(response.statusCode()).isEqualTo(202);
        JsonObject job = Json.parse(response.body());
        assertThat(job.getString("id")).matches("[A-Za-z0-9_-]{22}");
        assertThat(response.headers().firstValue("Location"))
                .hasValueSatisfying(
                        location -> assertThat(location).endsWith("/jobpulse/api/jobs/" + job.getString("id")));
        assertThat(job.getString("state")).isEqualTo("QUEUED");
        assertThat(job.getInt("seq")).isEqualTo(1);
        assertThat(job.getString("name")).isEqualTo("nightly");
        assertThat(job.getString("owner")).isEqualTo("alice");
        assertThat(job.getJsonObject("params").getInt("intervalMs"))
                .as("default filled in")
                .isEqualTo(100);
        assertThat(job.getString("watchToken")).startsWith("v1." + job.getString("id") + ".");
        assertThat(job.getJsonObject("links").getString("watch"))
                .endsWith("/jobpulse/ws")
                .startsWith("ws://");
        for (String field : List.of("progress", "createdAt", "startedAt", "finishedAt", "result", "error")) {
            assertThat(job.containsKey(field)).as(field).isTrue();
        }
    }

    @Test
    void sameIdempotencyKeyAndBodyGiveTheSameJobAndAnotherBodyIsAConflict() {
        String key = UUID.randomUUID().toString();
        HttpResponse<String> first = alice.post("api/jobs", QUICK, key);
        HttpResponse<String> again = alice.post("api/jobs", QUICK, key);
        assertThat(first.statusCode()).isEqualTo(202);
        assertThat(again.statusCode()).isEqualTo(202);
        assertThat(Json.parse(again.body()).getString("id"))
                .isEqualTo(Json.parse(first.body()).getString("id"));

        HttpResponse<String> other = alice.post("api/jobs", "{\"type\":\"steps\",\"params\":{\"count\":2}}", key);
        assertProblem(other, 409);
        // keys are per client: bob's request with the same key is his own job
        HttpResponse<String> bobs = bob.post("api/jobs", QUICK, key);
        assertThat(bobs.statusCode()).isEqualTo(202);
        assertThat(Json.parse(bobs.body()).getString("id"))
                .isNotEqualTo(Json.parse(first.body()).getString("id"));
    }

    @Test
    void missingOrWrongApiKeyIs401() {
        assertProblem(new ApiClient(base, null).post("api/jobs", QUICK), 401);
        HttpResponse<String> wrong = new ApiClient(base, "not-a-key").get("api/jobs");
        assertProblem(wrong, 401);
        assertThat(wrong.headers().firstValue("WWW-Authenticate"))
                .hasValueSatisfying(v -> assertThat(v).startsWith("Bearer"));
    }

    @Test
    void unknownAndForeignJobsLookTheSame404() {
        String alicesJob = alice.submit(QUICK).getString("id");
        assertProblem(bob.get("api/jobs/" + alicesJob), 404);
        assertProblem(bob.post("api/jobs/" + alicesJob + "/cancel", ""), 404);
        assertProblem(bob.get("api/jobs/" + alicesJob + "/events"), 404);
        assertProblem(alice.get("api/jobs/AAAAAAAAAAAAAAAAAAAAAA"), 404);
        assertProblem(alice.get("api/jobs/....etc.passwd"), 404);
        HttpResponse<String> encodedSlash = alice.unchecked().get("api/jobs/..%2F..%2Fetc");
        assertThat(encodedSlash.statusCode())
                .as("refused by the container before the API")
                .isBetween(400, 404);
        assertThat(encodedSlash.body()).doesNotContain("Exception").doesNotContain("\tat ");
        assertProblem(alice.get("api/jobs/" + "x".repeat(2000)), 404);
    }

    @Test
    void unknownTypeAndBadParametersAre422WithTheViolations() {
        assertProblem(alice.post("api/jobs", "{\"type\":\"no-such-type\"}"), 422);
        assertProblem(alice.post("api/jobs", "{\"params\":{}}"), 422);
        assertProblem(alice.post("api/jobs", "{\"type\":\"steps\",\"params\":[1]}"), 422);
        HttpResponse<String> bad = alice.post("api/jobs", "{\"type\":\"steps\",\"params\":{\"count\":0,\"colour\":1}}");
        JsonObject problem = assertProblem(bad, 422);
        List<String> parameters = problem.getJsonArray("violations").getValuesAs(JsonObject.class).stream()
                .map(v -> v.getString("parameter"))
                .toList();
        assertThat(parameters).containsExactlyInAnyOrder("count", "colour");
        assertProblem(alice.post("api/jobs", "{\"type\":\"steps\",\"params\":{\"count\":3,\"failAt\":4}}"), 422);
    }

    @Test
    void malformedJsonIs400() {
        assertProblem(alice.post("api/jobs", "{\"type\":"), 400);
        assertProblem(alice.post("api/jobs", ""), 400);
        assertProblem(alice.post("api/jobs", "[]"), 400);
    }

    @Test
    void cancellingAFinishedJobIs409() throws Exception {
        String id = alice.submit(QUICK).getString("id");
        alice.awaitJob(id, j -> j.getString("state").equals("SUCCEEDED"), Duration.ofSeconds(20));
        assertProblem(alice.post("api/jobs/" + id + "/cancel", ""), 409);
    }

    @Test
    void eventsAfterSinceAreStoredInOrder() throws Exception {
        String id = alice.submit("{\"type\":\"steps\",\"params\":{\"count\":3,\"intervalMs\":120}}")
                .getString("id");
        JsonObject done = alice.awaitJob(id, j -> j.getString("state").equals("SUCCEEDED"), Duration.ofSeconds(20));
        JsonObject all = Json.parse(alice.get("api/jobs/" + id + "/events").body());
        List<Long> seqs = all.getJsonArray("events").getValuesAs(JsonObject.class).stream()
                .map(e -> e.getJsonNumber("seq").longValue())
                .toList();
        assertThat(seqs).hasSize(done.getInt("seq")).first().isEqualTo(1L);
        JsonObject tail =
                Json.parse(alice.get("api/jobs/" + id + "/events?since=4").body());
        assertThat(tail.getJsonArray("events")
                        .getValuesAs(JsonObject.class)
                        .get(0)
                        .getInt("seq"))
                .isEqualTo(5);
        assertProblem(alice.get("api/jobs/" + id + "/events?since=-1"), 400);
        assertProblem(alice.get("api/jobs/" + id + "/events?since=abc"), 400);
    }

    @Test
    void listingIsTheCallersJobsNewestFirstInPages() {
        alice.submit(QUICK); // bob's list must not contain alice's jobs
        List<String> submitted = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            submitted.add(bob.submit(QUICK).getString("id"));
        }
        Set<String> listed = new HashSet<>();
        List<String> order = new ArrayList<>();
        String cursor = null;
        int pages = 0;
        do {
            JsonObject page = Json.parse(bob.get("api/jobs?limit=2" + (cursor == null ? "" : "&cursor=" + cursor))
                    .body());
            page.getJsonArray("jobs").getValuesAs(JsonObject.class).forEach(j -> {
                assertThat(j.getString("owner")).isEqualTo("bob");
                assertThat(listed.add(j.getString("id"))).as("listed once").isTrue();
                order.add(j.getString("id"));
            });
            cursor = page.isNull("nextCursor") ? null : page.getString("nextCursor");
            pages++;
        } while (cursor != null && pages < 100);
        assertThat(listed).containsAll(submitted);
        List<String> newestFirst = new ArrayList<>(submitted);
        Collections.reverse(newestFirst);
        assertThat(order.subList(0, 5)).isEqualTo(newestFirst);
        assertProblem(bob.get("api/jobs?limit=0"), 400);
        assertProblem(bob.get("api/jobs?state=BOGUS"), 400);
        assertProblem(bob.get("api/jobs?cursor=Zm9v"), 400);
    }

    @Test
    void jobTypesListsTheBuiltInTypesWithTheirParameters() {
        HttpResponse<String> response = new ApiClient(base, null).get("api/job-types");
        assertThat(response.statusCode()).isEqualTo(200);
        List<JsonObject> types =
                Json.parse(response.body()).getJsonArray("types").getValuesAs(JsonObject.class);
        assertThat(types).extracting(t -> t.getString("name")).contains("steps", "prime-count", "sha256-digest");
        JsonObject steps = types.stream()
                .filter(t -> t.getString("name").equals("steps"))
                .findFirst()
                .orElseThrow();
        assertThat(steps.getJsonArray("parameters").getValuesAs(JsonObject.class))
                .extracting(p -> p.getString("name"))
                .containsExactly("count", "intervalMs", "failAt");
    }

    @Test
    void realJobTypesDoTheirWork() throws Exception {
        String primes = alice.submit("{\"type\":\"prime-count\",\"params\":{\"limit\":1000000}}")
                .getString("id");
        String digest = alice.submit("{\"type\":\"sha256-digest\",\"params\":{\"sizeMb\":4,\"seed\":7}}")
                .getString("id");
        JsonObject p = alice.awaitJob(primes, j -> j.getString("state").equals("SUCCEEDED"), Duration.ofSeconds(60));
        assertThat(p.getJsonObject("result").getInt("primes")).isEqualTo(78498);
        JsonObject d = alice.awaitJob(digest, j -> j.getString("state").equals("SUCCEEDED"), Duration.ofSeconds(60));
        assertThat(d.getJsonObject("result").getString("sha256")).matches("[0-9a-f]{64}");
        assertThat(d.getJsonObject("progress").getInt("done")).isEqualTo(4);
    }

    private static JsonObject assertProblem(HttpResponse<String> response, int status) {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
        assertThat(response.headers().firstValue("Content-Type"))
                .hasValueSatisfying(type -> assertThat(type).startsWith("application/problem+json"));
        JsonObject problem = Json.parse(response.body());
        assertThat(problem.getInt("status")).isEqualTo(status);
        assertThat(problem.getString("title")).isNotBlank();
        assertThat(problem.getString("detail"))
                .isNotBlank()
                .doesNotContain("Exception")
                .doesNotContain("\tat ");
        return problem;
    }
}
