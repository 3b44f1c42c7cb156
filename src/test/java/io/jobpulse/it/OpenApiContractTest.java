package io.jobpulse.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** {@link OpenApiContract} tells answers that keep the document from each kind of answer that breaks it. */
class OpenApiContractTest {

    private static final String JOB_ID = "JnYhcP2uGqhi6yFsdBRBYQ";
    private static final String PROGRESS = "{\"done\":2,\"total\":5,\"percent\":40,\"message\":\"step 2 of 5\"}";
    private static final String VIEW = "\"id\":\"" + JOB_ID + "\",\"type\":\"steps\",\"name\":\"nightly\","
            + "\"state\":\"RUNNING\",\"seq\":5,\"progress\":" + PROGRESS + ",\"params\":{\"count\":5},"
            + "\"createdAt\":\"2026-11-27T15:08:37.203Z\",\"startedAt\":\"2026-11-27T15:08:37.221Z\","
            + "\"finishedAt\":null,\"result\":null,\"error\":null,\"cancelRequested\":false,\"node\":\"node-a\","
            + "\"external\":false,\"lastReportAt\":null";
    private static final String LINKS = "\"links\":{\"self\":\"http://h/jobpulse/api/jobs/" + JOB_ID + "\","
            + "\"events\":\"http://h/jobpulse/api/jobs/" + JOB_ID + "/events\","
            + "\"cancel\":\"http://h/jobpulse/api/jobs/" + JOB_ID + "/cancel\",\"watch\":\"ws://h/jobpulse/ws\"}";
    private static final String OWNER_VIEW =
            "{" + VIEW + ",\"owner\":\"alice\",\"watchToken\":\"v1." + JOB_ID + ".1.x\"," + LINKS + "}";
    private static final String NOT_FOUND =
            "{\"type\":\"about:blank\",\"title\":\"Not Found\",\"status\":404,\"detail\":\"No such job.\"}";

    private final OpenApiContract contract = OpenApiContract.jobPulse();

    @Test
    void anAnswerAsDocumentedKeepsTheContract() {
        assertThat(contract.violations(json("GET", "/jobpulse/api/jobs/" + JOB_ID, 200, OWNER_VIEW)))
                .isEmpty();
        assertThat(contract.violations(
                        exchange("GET", "/jobpulse/api/jobs/x", 404, "application/problem+json", Map.of(), NOT_FOUND)))
                .isEmpty();
        assertThat(
                        contract.violations(
                                exchange(
                                        "GET",
                                        "/jobpulse/health/ready",
                                        503,
                                        "application/json;charset=UTF-8",
                                        Map.of(),
                                        "{\"status\":\"DOWN\",\"checks\":{\"started\":\"UP\",\"store\":\"DOWN\",\"stopping\":\"UP\"}}")))
                .isEmpty();
        assertThatThrownBy(() -> contract.check(json("GET", "/jobpulse/api/jobs/" + JOB_ID, 200, "{}")))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("breaks the OpenAPI document");
    }

    @Test
    void anUndocumentedPathOrMethodBreaksIt() {
        assertThat(contract.violations(json("GET", "/jobpulse/api/no-such-thing", 200, "{}")))
                .containsExactly("the path is not documented");
        assertThat(contract.violations(json("DELETE", "/jobpulse/api/jobs/" + JOB_ID, 200, "{}")))
                .containsExactly("the method is not documented for this path");
    }

    @Test
    void anUndocumentedStatusBreaksIt() {
        assertThat(contract.violations(exchange(
                        "GET", "/jobpulse/api/jobs/" + JOB_ID, 418, "application/problem+json", Map.of(), NOT_FOUND)))
                .singleElement()
                .asString()
                .startsWith("status 418 is not documented for GET /jobpulse/api/jobs/{id}");
    }

    @Test
    void anUndocumentedContentTypeBreaksIt() {
        assertThat(contract.violations(exchange(
                        "GET", "/jobpulse/api/jobs/" + JOB_ID, 404, "text/html", Map.of(), "<html>Not Found</html>")))
                .singleElement()
                .asString()
                .startsWith("content type text/html is not documented");
        assertThat(contract.violations(
                        exchange("GET", "/jobpulse/api/jobs/x", 404, "application/json", Map.of(), NOT_FOUND)))
                .as("an error as plain JSON instead of problem+json")
                .isNotEmpty();
    }

    @Test
    void aBodyThatDoesNotFitItsSchemaBreaksIt() {
        assertThat(contract.violations(
                        json("GET", "/jobpulse/api/jobs/" + JOB_ID, 200, OWNER_VIEW.replace("\"seq\":5,", ""))))
                .as("a member missing")
                .anySatisfy(v -> assertThat(v).contains("seq"));
        assertThat(contract.violations(json(
                        "GET",
                        "/jobpulse/api/jobs/" + JOB_ID,
                        200,
                        OWNER_VIEW.replace("{\"id\"", "{\"extra\":1,\"id\""))))
                .as("a member the document does not promise")
                .anySatisfy(v -> assertThat(v).contains("extra"));
        assertThat(contract.violations(
                        json("GET", "/jobpulse/api/jobs/" + JOB_ID, 200, OWNER_VIEW.replace("RUNNING", "SLEEPING"))))
                .as("a state that is none")
                .isNotEmpty();
        assertThat(contract.violations(json(
                        "GET",
                        "/jobpulse/api/jobs/" + JOB_ID,
                        200,
                        OWNER_VIEW.replace("2026-11-27T15:08:37.203Z", "yesterday"))))
                .as("a time that is no date-time")
                .isNotEmpty();
        assertThat(contract.violations(json("GET", "/jobpulse/api/jobs/" + JOB_ID, 200, "not json")))
                .singleElement()
                .asString()
                .startsWith("the body is not JSON");
    }

    @Test
    void aMissingRequiredHeaderBreaksIt() {
        String tooMany = "{\"type\":\"urn:jobpulse:problem:submission-rate\",\"title\":\"Too Many Submissions\","
                + "\"status\":429,\"detail\":\"At most 600 submissions per minute per API client.\"}";
        assertThat(contract.violations(
                        exchange("POST", "/jobpulse/api/jobs", 429, "application/problem+json", Map.of(), tooMany)))
                .containsExactly("the required header Retry-After is missing");
        assertThat(contract.violations(exchange(
                        "POST",
                        "/jobpulse/api/jobs",
                        429,
                        "application/problem+json",
                        Map.of("retry-after", List.of("1")),
                        tooMany)))
                .isEmpty();
        assertThat(contract.violations(exchange(
                        "POST",
                        "/jobpulse/api/jobs",
                        429,
                        "application/problem+json",
                        Map.of("Retry-After", List.of("soon")),
                        tooMany)))
                .singleElement()
                .asString()
                .startsWith("header Retry-After");
        assertThat(contract.violations(exchange(
                        "POST",
                        "/jobpulse/api/jobs",
                        429,
                        "application/problem+json",
                        Map.of("Retry-After", List.of("1")),
                        tooMany.replace("submission-rate", "report-rate"))))
                .as("a problem type that is not this operation's")
                .isNotEmpty();
    }

    @Test
    void eachEventOfAStreamIsCheckedAgainstItsMessageSchema() {
        String stream = "data: {\"type\":\"subscribed\",\"job\":\"" + JOB_ID + "\",\"resumed\":true}\n\n"
                + ": heartbeat\n\n"
                + "id: 1\ndata: {\"type\":\"event\",\"job\":\"" + JOB_ID + "\",\"seq\":1,\"kind\":\"state\","
                + "\"state\":\"QUEUED\",\"progress\":" + PROGRESS + ",\"at\":\"2026-11-27T15:08:37.203Z\"}\n\n";
        String path = "/jobpulse/api/jobs/" + JOB_ID + "/stream";
        assertThat(contract.violations(exchange("GET", path, 200, "text/event-stream", Map.of(), stream)))
                .isEmpty();
        assertThat(contract.violations(exchange(
                        "GET", path, 200, "text/event-stream", Map.of(), stream.replace("\"kind\":\"state\",", ""))))
                .as("the second event lacks its kind: it fits no message of the stream")
                .isNotEmpty()
                .allSatisfy(v -> assertThat(v).startsWith("event 1 "));
        assertThat(contract.violations(
                        exchange("GET", path, 200, "text/event-stream", Map.of(), stream.replace("{\"type\"", "{,"))))
                .hasSize(2)
                .allSatisfy(v -> assertThat(v).contains("is not JSON"));
    }

    private static OpenApiContract.Exchange json(String method, String path, int status, String body) {
        return exchange(method, path, status, "application/json", Map.of(), body);
    }

    private static OpenApiContract.Exchange exchange(
            String method,
            String path,
            int status,
            String contentType,
            Map<String, List<String>> headers,
            String body) {
        return new OpenApiContract.Exchange(
                method, URI.create("http://127.0.0.1:8080" + path), status, Optional.of(contentType), headers, body);
    }
}
