package io.jobpulse.it;

import static org.assertj.core.api.Assertions.assertThat;

import jakarta.json.JsonObject;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The SSE and long-poll fallbacks: same messages, same tokens, same ordering as the WebSocket. */
// runs on every server: SSE and the suspended long poll are the JAX-RS implementation's (Jersey on Payara and in the
// Tomcat WAR, RESTEasy on WildFly); the in-process FallbackTransportsTest covers JobPulse's own rules once
class FallbackTransportsIT extends DeployedWar {

    @Test
    void sseStreamOfOneJobCarriesEveryEventWithItsSeqAsIdAndEndsAfterTheEnd() throws Exception {
        JsonObject job = alice.submit("{\"type\":\"steps\",\"params\":{\"count\":4,\"intervalMs\":150}}");
        String id = job.getString("id");
        try (SseClient sse = SseClient.open(stream(id, job.getString("watchToken"), "&since=0"), null)) {
            assertThat(sse.status()).isEqualTo(200);
            assertThat(sse.contentType()).startsWith("text/event-stream");
            SseClient.Message subscribed = sse.next();
            assertThat(subscribed.data().getString("type")).isEqualTo("subscribed");
            assertThat(subscribed.data().getBoolean("resumed")).isTrue();
            List<SseClient.Message> events = sse.untilEnd();
            assertThat(events)
                    .extracting(SseClient.Message::id)
                    .containsExactly("1", "2", "3", "4", "5", "6", "7", "8");
            assertThat(events).extracting(m -> m.data().getInt("seq")).containsExactly(1, 2, 3, 4, 5, 6, 7, 8);
            assertThat(events.get(events.size() - 1).data().getString("state")).isEqualTo("SUCCEEDED");
        }
    }

    @Test
    void sseResumesAfterLastEventIdWhichWinsOverSince() throws Exception {
        // 150 ms apart, every step is stored (the rate limit is 10/s): seq 1 QUEUED ... 7 SUCCEEDED
        JsonObject job = alice.submit("{\"type\":\"steps\",\"params\":{\"count\":3,\"intervalMs\":150}}");
        String id = job.getString("id");
        alice.awaitJob(id, j -> j.getString("state").equals("SUCCEEDED"), Duration.ofSeconds(20));
        try (SseClient sse = SseClient.open(stream(id, job.getString("watchToken"), "&since=0"), "5")) {
            assertThat(sse.next().data().getBoolean("resumed")).isTrue();
            assertThat(sse.untilEnd()).extracting(SseClient.Message::id).containsExactly("6", "7");
        }
        try (SseClient late = SseClient.open(stream(id, job.getString("watchToken"), ""), null)) {
            assertThat(late.next().data().getBoolean("resumed")).isFalse();
            SseClient.Message snapshot = late.next();
            assertThat(snapshot.data().getString("type")).isEqualTo("snapshot");
            assertThat(snapshot.id()).isEqualTo("7");
            assertThat(late.untilEnd()).isEmpty();
        }
    }

    @Test
    void sseWithAWrongTokenIs404BeforeTheStreamStarts() throws Exception {
        JsonObject job = alice.submit("{\"type\":\"steps\",\"params\":{\"count\":1,\"intervalMs\":0}}");
        HttpResponse<String> response = alice.get("api/jobs/" + job.getString("id") + "/stream?token=v1.wrong");
        assertThat(response.statusCode()).isEqualTo(404);
        assertThat(response.headers().firstValue("Content-Type").orElse("")).startsWith("application/problem+json");
    }

    @Test
    void oneSseStreamWatchesSeveralJobsAndReportsRefusedOnes() throws Exception {
        JsonObject first = alice.submit("{\"type\":\"steps\",\"params\":{\"count\":3,\"intervalMs\":100}}");
        JsonObject second = alice.submit("{\"type\":\"steps\",\"params\":{\"count\":2,\"intervalMs\":100}}");
        URI uri = base.resolve("api/stream?watch=" + watch(first, "0") + "&watch=" + watch(second, "0")
                + "&watch=AAAAAAAAAAAAAAAAAAAAAA:v1.nope");
        try (SseClient sse = SseClient.open(uri, null)) {
            List<SseClient.Message> all = new ArrayList<>();
            all.add(sse.next());
            all.addAll(sse.untilEnd());
            assertThat(all)
                    .filteredOn(m -> m.data().getString("type").equals("error"))
                    .singleElement()
                    .satisfies(m -> assertThat(m.data().getString("code")).isEqualTo("not_found"));
            for (JsonObject job : List.of(first, second)) {
                String id = job.getString("id");
                List<SseClient.Message> events = all.stream()
                        .filter(m -> m.data().getString("type").equals("event")
                                && m.data().getString("job").equals(id))
                        .toList();
                assertThat(events)
                        .extracting(m -> m.data().getInt("seq"))
                        .isEqualTo(java.util.stream.IntStream.rangeClosed(1, events.size())
                                .boxed()
                                .toList());
                assertThat(events.get(events.size() - 1).data().getString("state"))
                        .isEqualTo("SUCCEEDED");
                assertThat(events.get(0).id()).isEqualTo(id + ":1");
            }
        }
    }

    @Test
    void longPollHoldsUntilTheNextEventOrTheWaitEnds() throws Exception {
        JsonObject job = alice.submit("{\"type\":\"steps\",\"params\":{\"count\":3,\"intervalMs\":2500}}");
        String id = job.getString("id");
        String token = URLEncoder.encode(job.getString("watchToken"), StandardCharsets.UTF_8);
        JsonObject running =
                alice.awaitJob(id, j -> j.getJsonObject("progress").getInt("total") == 3, Duration.ofSeconds(20));
        int seq = running.getInt("seq");

        long start = System.nanoTime();
        JsonObject empty = Json.parse(alice.get("api/jobs/" + id + "/events?since=" + seq + "&wait=1s&token=" + token)
                .body());
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofMillis(900));
        assertThat(empty.getJsonArray("events")).isEmpty();

        JsonObject next = Json.parse(alice.get("api/jobs/" + id + "/events?since=" + seq + "&wait=20s&token=" + token)
                .body());
        assertThat(next.getJsonArray("events")
                        .getValuesAs(JsonObject.class)
                        .get(0)
                        .getInt("seq"))
                .isEqualTo(seq + 1);
        alice.post("api/jobs/" + id + "/cancel", "");
    }

    @Test
    void pollOfSeveralJobsAnswersSnapshotsEventsAndErrorsInTheWebSocketVocabulary() throws Exception {
        JsonObject done = alice.submit("{\"type\":\"steps\",\"params\":{\"count\":2,\"intervalMs\":10}}");
        JsonObject slow = alice.submit("{\"type\":\"steps\",\"params\":{\"count\":2,\"intervalMs\":1500}}");
        alice.awaitJob(done.getString("id"), j -> j.getString("state").equals("SUCCEEDED"), Duration.ofSeconds(20));
        int slowSeq = alice.awaitJob(
                        slow.getString("id"),
                        j -> j.getJsonObject("progress").getInt("total") == 2,
                        Duration.ofSeconds(20))
                .getInt("seq");

        JsonObject first = Json.parse(alice.get("api/poll?watch=" + watch(done, "") + "&watch="
                        + watch(slow, String.valueOf(slowSeq)) + "&watch=AAAAAAAAAAAAAAAAAAAAAA:v1.nope&wait=20s")
                .body());
        List<JsonObject> messages = first.getJsonArray("messages").getValuesAs(JsonObject.class);
        assertThat(messages).extracting(m -> m.getString("type")).containsExactly("snapshot", "error");
        assertThat(messages.get(0).getJsonObject("job").getString("state")).isEqualTo("SUCCEEDED");

        JsonObject waited = Json.parse(alice.get("api/poll?watch=" + watch(slow, String.valueOf(slowSeq)) + "&wait=20s")
                .body());
        JsonObject event =
                waited.getJsonArray("messages").getValuesAs(JsonObject.class).get(0);
        assertThat(event.getString("type")).isEqualTo("event");
        assertThat(event.getInt("seq")).isEqualTo(slowSeq + 1);
    }

    @Test
    void malformedFallbackRequestsAre400() {
        assertThat(alice.get("api/poll").statusCode()).isEqualTo(400);
        assertThat(alice.get("api/poll?watch=nocolon").statusCode()).isEqualTo(400);
        assertThat(alice.get("api/poll?watch=a:b:-1").statusCode()).isEqualTo(400);
        assertThat(alice.get("api/poll?watch=a:b&wait=100s").statusCode()).isEqualTo(400);
        assertThat(alice.get("api/stream?watch=a:b&watch=a:c").statusCode()).isEqualTo(400);
    }

    private URI stream(String id, String token, String extra) {
        return base.resolve(
                "api/jobs/" + id + "/stream?token=" + URLEncoder.encode(token, StandardCharsets.UTF_8) + extra);
    }

    private static String watch(JsonObject job, String since) {
        String value = job.getString("id") + ":" + job.getString("watchToken") + (since.isEmpty() ? "" : ":" + since);
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }
}
