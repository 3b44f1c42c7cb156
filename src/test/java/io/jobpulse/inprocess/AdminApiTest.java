package io.jobpulse.inprocess;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The admin API ({@code /api/admin}, docs/api.md) at the wire on the in-process server: an admin client
 * ({@code jobpulse.admin-clients=ops}) lists every client's jobs with filters combined, searches by id and by name,
 * pages forward through more than a page, cancels another client's job, and watches a listed job with its token; a
 * client without the role gets 403, a request without a key 401, a bad filter 400 naming the parameter. Each test
 * names its jobs with a tag of its own, so that the tests of this class, sharing one server, do not see each other's.
 */
@Timeout(60)
class AdminApiTest {

    static final String ALICE = "Bearer alice-secret-key-0123";
    static final String BOB = "Bearer bob-secret-key-0123";
    static final String OPS = "Bearer ops-secret-key-0123";

    static InProcessServer server;
    static Rest rest;

    @BeforeAll
    static void start() throws Exception {
        server = InProcessServer.start(Map.of(
                "jobpulse.dev", "false",
                "jobpulse.api-keys", "alice:alice-secret-key-0123,bob:bob-secret-key-0123,ops:ops-secret-key-0123",
                "jobpulse.admin-clients", "ops"));
        rest = server.rest();
    }

    @AfterAll
    static void stop() throws Exception {
        if (server != null) {
            server.close();
        }
    }

    @Test
    void anAdminListsEveryClientsJobsNewestFirstWithOwnerWatchTokenAndAdminLinks() throws Exception {
        String tag = tag();
        JsonObject first = external(ALICE, tag + " one");
        JsonObject second = external(BOB, tag + " two");
        JsonObject third = external(ALICE, tag + " three");

        JsonObject page = list("q=" + encode(tag));

        assertThat(ids(page)).containsExactly(id(third), id(second), id(first));
        assertThat(page.get("nextCursor")).isEqualTo(JsonValue.NULL);
        JsonObject listed = page.getJsonArray("jobs").getJsonObject(1);
        assertThat(listed.getString("owner")).isEqualTo("bob");
        assertThat(listed.getString("state")).isEqualTo("QUEUED");
        assertThat(listed.getString("name")).isEqualTo(tag + " two");
        assertThat(listed.keySet())
                .as("the owner's job view, with owner and a watch token")
                .containsAll(second.keySet().stream()
                        .filter(key -> !key.equals("reportToken"))
                        .toList());
        assertThat(listed.getJsonObject("links").getString("self"))
                .isEqualTo(server.api("admin/jobs/" + id(second)).toString());
        assertThat(listed.getJsonObject("links").getString("cancel"))
                .isEqualTo(server.api("admin/jobs/" + id(second) + "/cancel").toString());

        HttpResponse<String> events =
                get("jobs/" + id(second) + "/events?token=" + encode(listed.getString("watchToken")), null);
        assertThat(events.statusCode()).as("the listed token watches bob's job").isEqualTo(200);
        assertThat(JsonText.parse(events.body()).getJsonArray("events")).hasSize(1);

        HttpResponse<String> one = get("admin/jobs/" + id(second), OPS);
        assertThat(one.statusCode()).isEqualTo(200);
        assertThat(JsonText.parse(one.body()).getString("owner")).isEqualTo("bob");
        assertThat(get("admin/jobs/AAAAAAAAAAAAAAAAAAAAAA", OPS).statusCode()).isEqualTo(404);
    }

    @Test
    void filtersByStateTypeClientAndTimeCombineWithAnd() throws Exception {
        String tag = tag();
        Instant before = Instant.now().minusSeconds(1);
        JsonObject aliceExternal = external(ALICE, tag + " a");
        JsonObject bobExternal = external(BOB, tag + " b");
        JsonObject aliceSteps = submit(
                ALICE, "{\"type\":\"steps\",\"name\":\"" + tag + " c\",\"params\":{\"count\":1,\"intervalMs\":0}}");
        Await.until(() -> adminJob(id(aliceSteps)), j -> j.getString("state").equals("SUCCEEDED"), "steps ends");
        assertThat(post("admin/jobs/" + id(bobExternal) + "/cancel", OPS).statusCode())
                .isEqualTo(202);
        String q = "q=" + encode(tag);

        assertThat(ids(list(q + "&client=alice"))).containsExactly(id(aliceSteps), id(aliceExternal));
        assertThat(ids(list(q + "&type=external"))).containsExactly(id(bobExternal), id(aliceExternal));
        assertThat(ids(list(q + "&state=cancelled"))).containsExactly(id(bobExternal));
        assertThat(ids(list(q + "&state=QUEUED&type=external&client=alice"))).containsExactly(id(aliceExternal));
        assertThat(ids(list(q + "&state=SUCCEEDED&client=bob"))).isEmpty();
        assertThat(ids(list(q + "&from=" + before + "&to=" + Instant.now().plusSeconds(60))))
                .containsExactly(id(aliceSteps), id(bobExternal), id(aliceExternal));
        assertThat(ids(list(q + "&to=" + before))).isEmpty();
        assertThat(ids(list("client=bob&type=external&state=CANCELLED"))).contains(id(bobExternal));
    }

    @Test
    void searchFindsAJobByItsIdOrByPartOfItsNameIgnoringCase() throws Exception {
        String tag = tag();
        JsonObject target = external(BOB, "Quarterly Report " + tag);
        external(ALICE, "monthly report " + tag);

        assertThat(ids(list("q=" + id(target)))).containsExactly(id(target));
        assertThat(ids(list("q=" + id(target) + "&client=bob"))).containsExactly(id(target));
        assertThat(ids(list("q=" + id(target) + "&client=alice")))
                .as("the other filters still hold for a job found by its id")
                .isEmpty();
        assertThat(ids(list("q=" + encode("QUARTERLY report " + tag)))).containsExactly(id(target));
        assertThat(ids(list("q=" + encode("report " + tag)))).hasSize(2);
        assertThat(ids(list("q=" + encode("%" + tag)))).as("% is no wildcard").isEmpty();
    }

    @Test
    void pagesForwardThroughMoreThanOnePageWithNoJobTwiceOrMissed() throws Exception {
        String tag = tag();
        List<String> submitted = new ArrayList<>();
        for (int i = 0; i < 23; i++) {
            submitted.add(id(external(i % 2 == 0 ? ALICE : BOB, tag + " " + i)));
        }
        java.util.Collections.reverse(submitted);

        List<String> seen = new ArrayList<>();
        List<Integer> sizes = new ArrayList<>();
        String query = "limit=10&type=external&q=" + encode(tag);
        JsonObject page = list(query);
        while (true) {
            seen.addAll(ids(page));
            sizes.add(ids(page).size());
            if (page.isNull("nextCursor")) {
                break;
            }
            page = list(query + "&cursor=" + encode(page.getString("nextCursor")));
        }

        assertThat(sizes).containsExactly(10, 10, 3);
        assertThat(seen).isEqualTo(submitted);
    }

    @Test
    void anAdminCancelsAnotherClientsJobAndACancelOfAnEndedJobIsAConflict() throws Exception {
        JsonObject job = external(ALICE, tag() + " to cancel");

        HttpResponse<String> cancelled = post("admin/jobs/" + id(job) + "/cancel", OPS);
        assertThat(cancelled.statusCode()).as(cancelled.body()).isEqualTo(202);
        assertThat(JsonText.parse(cancelled.body()).getString("state")).isEqualTo("CANCELLED");
        assertThat(get("jobs/" + id(job), ALICE).body()).contains("\"state\":\"CANCELLED\"");

        JsonObject done = submit(BOB, "{\"type\":\"steps\",\"params\":{\"count\":1,\"intervalMs\":0}}");
        Await.until(() -> adminJob(id(done)), j -> j.getString("state").equals("SUCCEEDED"), "steps ends");
        assertProblem(post("admin/jobs/" + id(done) + "/cancel", OPS), 409);
        assertProblem(post("admin/jobs/AAAAAAAAAAAAAAAAAAAAAA/cancel", OPS), 404);
    }

    @Test
    void aClientWithoutTheAdminRoleGets403AndNoKey401OnEveryAdminPath() throws Exception {
        JsonObject job = external(ALICE, tag());
        for (String path : List.of("admin/whoami", "admin/jobs", "admin/jobs?state=BAD", "admin/jobs/" + id(job))) {
            assertProblem(get(path, ALICE), 403);
            assertProblem(get(path, BOB), 403);
            assertProblem(get(path, null), 401);
            assertProblem(get(path, "Bearer not-a-key"), 401);
        }
        assertProblem(post("admin/jobs/" + id(job) + "/cancel", BOB), 403);
        assertThat(get("jobs/" + id(job), ALICE).body()).contains("\"state\":\"QUEUED\"");

        HttpResponse<String> whoami = get("admin/whoami", OPS);
        assertThat(whoami.statusCode()).isEqualTo(200);
        assertThat(JsonText.parse(whoami.body())).isEqualTo(JsonText.parse("{\"client\":\"ops\",\"admin\":true}"));
        assertThat(get("jobs/" + id(job), OPS).statusCode())
                .as("the client API stays the owner's: the admin role adds /api/admin only")
                .isEqualTo(404);
    }

    @Test
    void aBadFilterValueIs400NamingTheParameter() throws Exception {
        Map<String, String> bad = Map.of(
                "state=DONE",
                "state",
                "type=" + encode("has space"),
                "type",
                "client=" + encode("no/such"),
                "client",
                "from=yesterday",
                "from",
                "to=2026-13-01T00:00:00Z",
                "to",
                "from=2026-12-05T08:00:00Z&to=2026-12-05T08:00:00Z",
                "to",
                "q=" + "x".repeat(201),
                "q",
                "limit=0",
                "limit",
                "limit=many",
                "limit",
                "cursor=not-a-cursor",
                "cursor");
        for (Map.Entry<String, String> query : bad.entrySet()) {
            HttpResponse<String> response = get("admin/jobs?" + query.getKey(), OPS);
            assertProblem(response, 400);
            assertThat(JsonText.parse(response.body()).getString("parameter"))
                    .as(query.getKey())
                    .isEqualTo(query.getValue());
        }
    }

    @Test
    void anAdminClientThatHasNoKeyStopsTheStartNamingTheSetting() {
        assertThatThrownBy(() -> InProcessServer.start(Map.of(
                                "jobpulse.api-keys", "alice:alice-secret-key-0123",
                                "jobpulse.admin-clients", "alice,opz"))
                        .close())
                .satisfies(e -> assertThat(causes(e))
                        .contains("Invalid value for jobpulse.admin-clients: 'opz' is not a client of"
                                + " jobpulse.api-keys; name clients that have a key"));
    }

    // ---- helpers

    private static List<String> causes(Throwable e) {
        List<String> messages = new ArrayList<>();
        for (Throwable t = e; t != null; t = t.getCause()) {
            messages.add(t.getMessage());
        }
        return messages;
    }

    private static String tag() {
        return "t" + UUID.randomUUID().toString().substring(0, 8);
    }

    private static JsonObject external(String authorization, String name) throws Exception {
        return submit(authorization, "{\"type\":\"external\",\"name\":\"" + name + "\",\"params\":{}}");
    }

    private static JsonObject submit(String authorization, String body) throws Exception {
        HttpResponse<String> response = send(
                HttpRequest.newBuilder(server.api("jobs"))
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(body)),
                authorization);
        assertThat(response.statusCode()).as(response.body()).isEqualTo(202);
        return JsonText.parse(response.body());
    }

    private static JsonObject list(String query) throws Exception {
        HttpResponse<String> response = get("admin/jobs?" + query, OPS);
        assertThat(response.statusCode()).as(query + ": " + response.body()).isEqualTo(200);
        return JsonText.parse(response.body());
    }

    private static JsonObject adminJob(String id) throws Exception {
        return JsonText.parse(get("admin/jobs/" + id, OPS).body());
    }

    private static List<String> ids(JsonObject page) {
        return page.getJsonArray("jobs").getValuesAs(JsonObject.class).stream()
                .map(AdminApiTest::id)
                .toList();
    }

    private static String id(JsonObject job) {
        return job.getString("id");
    }

    private static String encode(String text) {
        return URLEncoder.encode(text, StandardCharsets.UTF_8);
    }

    private static HttpResponse<String> get(String path, String authorization) throws Exception {
        return send(HttpRequest.newBuilder(server.api(path)).GET(), authorization);
    }

    private static HttpResponse<String> post(String path, String authorization) throws Exception {
        return send(HttpRequest.newBuilder(server.api(path)).POST(HttpRequest.BodyPublishers.noBody()), authorization);
    }

    private static HttpResponse<String> send(HttpRequest.Builder request, String authorization) throws Exception {
        request.timeout(Rest.TIMEOUT);
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        return rest.http().send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static void assertProblem(HttpResponse<String> response, int status) {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
        assertThat(response.headers().firstValue("Content-Type"))
                .hasValueSatisfying(t -> assertThat(t).startsWith("application/problem+json"));
        assertThat(JsonText.parse(response.body()).getInt("status")).isEqualTo(status);
    }
}
