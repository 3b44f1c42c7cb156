package io.jobpulse.inprocess;

import static org.assertj.core.api.Assertions.assertThat;

import jakarta.json.JsonObject;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** SSE and long polling at the wire (docs/protocol.md, "Fallback transports"), on the in-process server. */
class FallbackTransportsTest {

    static InProcessServer server;
    static Rest rest;

    @BeforeAll
    static void start() throws Exception {
        server = InProcessServer.start();
        rest = server.rest();
    }

    @AfterAll
    static void stop() throws Exception {
        if (server != null) {
            server.close();
        }
    }

    @Test
    void sseStreamOfOneJobCarriesEveryEventWithItsSeqAsIdAndEndsAfterTheTerminalEvent() throws Exception {
        JsonObject job = rest.steps(4, 50);
        try (SseClient sse = SseClient.open(stream(job, "&since=0"), null)) {
            assertThat(sse.status()).isEqualTo(200);
            assertThat(sse.contentType()).hasValueSatisfying(t -> assertThat(t).startsWith("text/event-stream"));
            SseClient.Message subscribed = sse.next();
            assertThat(subscribed.id()).isNull();
            assertThat(subscribed.data().getString("type")).isEqualTo("subscribed");
            assertThat(subscribed.data().getBoolean("resumed")).isTrue();
            List<SseClient.Message> events = sse.untilEnd();
            int last = rest.job(job.getString("id")).getInt("seq");
            assertThat(events)
                    .extracting(SseClient.Message::id)
                    .containsExactlyElementsOf(IntStream.rangeClosed(1, last)
                            .mapToObj(Integer::toString)
                            .toList());
            WebSocketProtocolTest.assertWholeRun(
                    events.stream().map(SseClient.Message::data).toList(), last, "SUCCEEDED", 4);
        }
    }

    @Test
    void sseResumesAfterLastEventIdWhichWinsOverSinceAndALateWatcherGetsTheEndAsASnapshot() throws Exception {
        JsonObject job = rest.steps(3, 20);
        int last = rest.awaitEnd(job.getString("id")).getInt("seq");
        try (SseClient sse = SseClient.open(stream(job, "&since=0"), Integer.toString(last - 2))) {
            assertThat(sse.next().data().getBoolean("resumed")).isTrue();
            assertThat(sse.untilEnd())
                    .extracting(SseClient.Message::id)
                    .containsExactly(Integer.toString(last - 1), Integer.toString(last));
        }
        try (SseClient late = SseClient.open(stream(job, ""), null)) {
            assertThat(late.next().data().getBoolean("resumed")).isFalse();
            SseClient.Message snapshot = late.next();
            assertThat(snapshot.data().getString("type")).isEqualTo("snapshot");
            assertThat(snapshot.id()).isEqualTo(Integer.toString(last));
            assertThat(late.untilEnd()).isEmpty();
        }
    }

    @Test
    void sseWithAWrongTokenIs404ProblemBeforeTheStreamStarts() throws Exception {
        JsonObject job = rest.steps(1, 0);
        HttpResponse<String> response = rest.get("jobs/" + job.getString("id") + "/stream?token=v1.wrong");
        assertThat(response.statusCode()).isEqualTo(404);
        assertThat(response.headers().firstValue("Content-Type").orElse("")).startsWith("application/problem+json");
    }

    @Test
    void oneSseStreamWatchesSeveralJobsWithJobSeqIdsReportsRefusedOnesAndEndsAfterTheLast() throws Exception {
        JsonObject first = rest.steps(3, 30);
        JsonObject second = rest.steps(2, 30);
        URI uri = server.api("stream?watch=" + watch(first, "0") + "&watch=" + watch(second, "0")
                + "&watch=AAAAAAAAAAAAAAAAAAAAAA:v1.nope");
        try (SseClient sse = SseClient.open(uri, null)) {
            List<SseClient.Message> all = new ArrayList<>(sse.untilEnd());
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
                int last = rest.job(id).getInt("seq");
                assertThat(events)
                        .extracting(SseClient.Message::id)
                        .containsExactlyElementsOf(IntStream.rangeClosed(1, last)
                                .mapToObj(seq -> id + ":" + seq)
                                .toList());
                assertThat(events.get(events.size() - 1).data().getString("state"))
                        .isEqualTo("SUCCEEDED");
            }
        }
    }

    @Test
    void anSseStreamOfOnlyRefusedWatchesEndsAtOnce() throws Exception {
        try (SseClient sse = SseClient.open(server.api("stream?watch=AAAAAAAAAAAAAAAAAAAAAA:v1.nope"), null)) {
            List<SseClient.Message> all = sse.untilEnd();
            assertThat(all)
                    .singleElement()
                    .satisfies(m -> assertThat(m.data().getString("code")).isEqualTo("not_found"));
        }
    }

    @Test
    void jobLongPollEndsEmptyWhenTheWaitEndsAndAnswersAtTheNextEvent() throws Exception {
        JsonObject job = rest.steps(3, 60_000);
        String id = job.getString("id");
        String token = URLEncoder.encode(job.getString("watchToken"), StandardCharsets.UTF_8);
        int seq = Await.until(
                        () -> rest.job(id),
                        j -> j.getJsonObject("progress").getInt("total") == 3,
                        "the job reported its first progress")
                .getInt("seq");

        long start = System.nanoTime();
        HttpResponse<String> empty = rest.get("jobs/" + id + "/events?since=" + seq + "&wait=1s&token=" + token);
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofMillis(900));
        assertThat(empty.statusCode()).isEqualTo(200);
        assertThat(JsonText.parse(empty.body()).getJsonArray("events")).isEmpty();

        CompletableFuture<HttpResponse<String>> held = rest.http()
                .sendAsync(
                        HttpRequest.newBuilder(
                                        server.api("jobs/" + id + "/events?since=" + seq + "&wait=20s&token=" + token))
                                .GET()
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
        cancel(id);
        JsonObject next = JsonText.parse(held.get(10, TimeUnit.SECONDS).body());
        assertThat(next.getJsonArray("events").getJsonObject(0).getInt("seq")).isEqualTo(seq + 1);
        assertThat(next.getJsonArray("events").getJsonObject(0).getString("state"))
                .isEqualTo("CANCELLED");
    }

    @Test
    void pollOfSeveralJobsAnswersSnapshotsEventsAndErrorsInTheWebSocketVocabularyAndHoldsForTheNextEvent()
            throws Exception {
        JsonObject done = rest.steps(2, 10);
        JsonObject slow = rest.steps(2, 60_000);
        rest.awaitEnd(done.getString("id"));
        int slowSeq = Await.until(
                        () -> rest.job(slow.getString("id")),
                        j -> j.getJsonObject("progress").getInt("total") == 2,
                        "the slow job started")
                .getInt("seq");

        JsonObject first = JsonText.parse(rest.get("poll?watch=" + watch(done, "") + "&watch="
                        + watch(slow, String.valueOf(slowSeq)) + "&watch=AAAAAAAAAAAAAAAAAAAAAA:v1.nope&wait=20s")
                .body());
        List<JsonObject> messages = first.getJsonArray("messages").getValuesAs(JsonObject.class);
        assertThat(messages).extracting(m -> m.getString("type")).containsExactly("snapshot", "error");
        assertThat(messages.get(0).getJsonObject("job").getString("state")).isEqualTo("SUCCEEDED");
        assertThat(messages.get(1).getString("code")).isEqualTo("not_found");

        CompletableFuture<HttpResponse<String>> held = rest.http()
                .sendAsync(
                        HttpRequest.newBuilder(
                                        server.api("poll?watch=" + watch(slow, String.valueOf(slowSeq)) + "&wait=20s"))
                                .GET()
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
        cancel(slow.getString("id"));
        JsonObject event = JsonText.parse(held.get(10, TimeUnit.SECONDS).body())
                .getJsonArray("messages")
                .getJsonObject(0);
        assertThat(event.getString("type")).isEqualTo("event");
        assertThat(event.getInt("seq")).isEqualTo(slowSeq + 1);
    }

    @Test
    void pollWithNothingNewAndNoWaitAnswersAnEmptyListAtOnce() throws Exception {
        JsonObject slow = rest.steps(2, 60_000);
        int seq = Await.until(
                        () -> rest.job(slow.getString("id")),
                        j -> j.getJsonObject("progress").getInt("total") == 2,
                        "the job started")
                .getInt("seq");
        try {
            HttpResponse<String> answer = rest.get("poll?watch=" + watch(slow, String.valueOf(seq)));
            assertThat(answer.statusCode()).isEqualTo(200);
            assertThat(answer.body()).isEqualTo("{\"messages\":[]}");
        } finally {
            cancel(slow.getString("id"));
        }
    }

    @Test
    void malformedFallbackRequestsAre400() throws Exception {
        assertThat(rest.get("poll").statusCode()).isEqualTo(400);
        assertThat(rest.get("poll?watch=nocolon").statusCode()).isEqualTo(400);
        assertThat(rest.get("poll?watch=a:b:-1").statusCode()).isEqualTo(400);
        assertThat(rest.get("poll?watch=a:b&wait=100s").statusCode()).isEqualTo(400);
        assertThat(rest.get("stream?watch=a:b&watch=a:c").statusCode()).isEqualTo(400);
    }

    private static void cancel(String id) throws Exception {
        HttpResponse<String> response = rest.http()
                .send(
                        HttpRequest.newBuilder(server.api("jobs/" + id + "/cancel"))
                                .POST(HttpRequest.BodyPublishers.noBody())
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(response.body()).isBetween(200, 299);
    }

    private static URI stream(JsonObject job, String extra) {
        return server.api("jobs/" + job.getString("id") + "/stream?token="
                + URLEncoder.encode(job.getString("watchToken"), StandardCharsets.UTF_8) + extra);
    }

    private static String watch(JsonObject job, String since) {
        String value = job.getString("id") + ":" + job.getString("watchToken") + (since.isEmpty() ? "" : ":" + since);
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }
}
