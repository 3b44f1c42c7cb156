package io.jobpulse.it;

import static org.assertj.core.api.Assertions.assertThat;

import jakarta.json.JsonObject;
import java.net.http.HttpResponse;
import java.time.Duration;
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
