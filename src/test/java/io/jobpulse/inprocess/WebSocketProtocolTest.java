package io.jobpulse.inprocess;

import static org.assertj.core.api.Assertions.assertThat;

import jakarta.json.JsonObject;
import java.time.Duration;
import java.util.List;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The WebSocket protocol at the wire (docs/protocol.md) on the in-process server, with default limits: subscribing,
 * ordering, resuming, versions, answers and errors, and the closes for bad input. What a container does before the
 * endpoint (origin check, handshake limits, frame parsing quirks) stays in the ITs.
 */
class WebSocketProtocolTest {

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
    void subscribeSinceZeroReplaysEveryEventFromQueuedToSucceededInSeqOrder() throws Exception {
        JsonObject job = rest.steps(3, 20);
        int last = rest.awaitEnd(job.getString("id")).getInt("seq");
        try (WsClient ws = WsClient.v1(server)) {
            assertThat(ws.subprotocol()).isEqualTo("jobpulse.v1");
            ws.subscribe(job, 0);
            assertSubscribed(ws.next(), job, true);
            List<JsonObject> events = ws.messagesUntil(job.getString("id"), "SUCCEEDED");
            assertWholeRun(events, last, "SUCCEEDED", 3);
            assertThat(events.get(events.size() - 1).getJsonObject("result").getInt("steps"))
                    .isEqualTo(3);
            assertThat(events).allSatisfy(e -> assertThat(e).doesNotContainKey("skipped"));
        }
    }

    /**
     * Every event of a run, exactly once, in seq order from 1: QUEUED, RUNNING, progress-only events (as many as the
     * source stored: it may coalesce), the end carrying the last progress.
     */
    static void assertWholeRun(List<JsonObject> events, int lastSeq, String end, int lastDone) {
        assertThat(events)
                .extracting(e -> e.getJsonNumber("seq").longValue())
                .containsExactlyElementsOf(
                        LongStream.rangeClosed(1, lastSeq).boxed().toList());
        assertThat(events).allSatisfy(e -> assertThat(e.getString("type")).isEqualTo("event"));
        assertThat(events.get(0).getString("state")).isEqualTo("QUEUED");
        assertThat(events.get(1).getString("state")).isEqualTo("RUNNING");
        assertThat(events.subList(2, events.size() - 1)).isNotEmpty().allSatisfy(e -> {
            assertThat(e.getString("kind")).isEqualTo("progress");
            assertThat(e.getString("state")).isEqualTo("RUNNING");
        });
        JsonObject terminal = events.get(events.size() - 1);
        assertThat(terminal.getString("kind")).isEqualTo("state");
        assertThat(terminal.getString("state")).isEqualTo(end);
        assertThat(terminal.getJsonObject("progress").getInt("done")).isEqualTo(lastDone);
        assertThat(events.get(events.size() - 2).getJsonObject("progress"))
                .isEqualTo(terminal.getJsonObject("progress"));
    }

    @Test
    void liveWatcherGetsSubscribedThenSnapshotThenEveryLaterEventExactlyOnceToTheEnd() throws Exception {
        JsonObject job = rest.steps(5, 100);
        try (WsClient ws = WsClient.v1(server)) {
            ws.subscribe(job);
            assertSubscribed(ws.next(), job, false);
            JsonObject snapshot = ws.next();
            assertThat(snapshot.getString("type")).isEqualTo("snapshot");
            assertThat(snapshot.getJsonObject("job")).doesNotContainKeys("owner", "watchToken", "links");
            long from = snapshot.getJsonObject("job").getJsonNumber("seq").longValue();
            List<JsonObject> events = ws.messagesUntil(job.getString("id"), "SUCCEEDED");
            int last = rest.job(job.getString("id")).getInt("seq");
            assertThat(last).as("events stored while watched").isGreaterThan((int) from);
            assertThat(events)
                    .extracting(e -> e.getJsonNumber("seq").longValue())
                    .containsExactlyElementsOf(
                            LongStream.rangeClosed(from + 1, last).boxed().toList());
            assertThat(ws.pollFrame(Duration.ofMillis(200)))
                    .as("nothing after the terminal event")
                    .isNull();
        }
    }

    @Test
    void resumeSinceAMidpointReplaysOnlyWhatFollowsAndSinceAheadAnswersASnapshot() throws Exception {
        JsonObject job = rest.steps(2, 20);
        int last = rest.awaitEnd(job.getString("id")).getInt("seq");
        try (WsClient ws = WsClient.v1(server)) {
            ws.subscribe(job, 2);
            assertSubscribed(ws.next(), job, true);
            assertThat(ws.messagesUntil(job.getString("id"), "SUCCEEDED"))
                    .extracting(e -> e.getJsonNumber("seq").longValue())
                    .containsExactlyElementsOf(
                            LongStream.rangeClosed(3, last).boxed().toList());
            // the terminal event ended the subscription: the job may be subscribed again on the same connection
            ws.subscribe(job, 99);
            assertSubscribed(ws.next(), job, false);
            JsonObject snapshot = ws.next();
            assertThat(snapshot.getString("type")).isEqualTo("snapshot");
            assertThat(snapshot.getJsonObject("job").getInt("seq")).isEqualTo(last);
            assertThat(snapshot.getJsonObject("job").getString("state")).isEqualTo("SUCCEEDED");
        }
    }

    @Test
    void aFailingJobEndsFailedWithItsErrorAfterItsLastProgress() throws Exception {
        JsonObject job = rest.submit("{\"type\":\"steps\",\"params\":{\"count\":3,\"intervalMs\":20,\"failAt\":2}}");
        int last = rest.awaitEnd(job.getString("id")).getInt("seq");
        try (WsClient ws = WsClient.v1(server)) {
            ws.subscribe(job, 0);
            assertSubscribed(ws.next(), job, true);
            List<JsonObject> events = ws.messagesUntil(job.getString("id"), "FAILED");
            assertWholeRun(events, last, "FAILED", 1);
            JsonObject failed = events.get(events.size() - 1);
            assertThat(failed.getJsonObject("error").getString("kind")).isEqualTo("step_failed");
            assertThat(failed).doesNotContainKey("result");
        }
    }

    @Test
    void twoWatchersOfOneJobSeeTheSameEventsAndOneConnectionWatchesSeveralJobs() throws Exception {
        JsonObject a = rest.steps(3, 50);
        JsonObject b = rest.steps(2, 50);
        try (WsClient both = WsClient.v1(server);
                WsClient onlyA = WsClient.v1(server)) {
            both.subscribe(a, 0);
            both.subscribe(b, 0);
            onlyA.subscribe(a, 0);
            List<JsonObject> seenByBoth = both.messagesUntil(a.getString("id"), "SUCCEEDED");
            List<JsonObject> seenByA = onlyA.messagesUntil(a.getString("id"), "SUCCEEDED");
            assertThat(eventsOf(seenByBoth, a)).isEqualTo(eventsOf(seenByA, a));
            assertWholeRun(eventsOf(seenByA, a), rest.job(a.getString("id")).getInt("seq"), "SUCCEEDED", 3);
            List<JsonObject> restOfB = new java.util.ArrayList<>(eventsOf(seenByBoth, b));
            if (restOfB.isEmpty()
                    || !"SUCCEEDED".equals(restOfB.get(restOfB.size() - 1).getString("state"))) {
                restOfB.addAll(eventsOf(both.messagesUntil(b.getString("id"), "SUCCEEDED"), b));
            }
            assertWholeRun(restOfB, rest.job(b.getString("id")).getInt("seq"), "SUCCEEDED", 2);
        }
    }

    @Test
    void cancellingARunningJobEndsItCancelledForItsWatcherAndAQueuedOneTooAtOnce() throws Exception {
        JsonObject job = rest.steps(1000, 100);
        try (WsClient ws = WsClient.v1(server)) {
            ws.subscribe(job);
            assertSubscribed(ws.next(), job, false);
            Await.until(
                    () -> rest.job(job.getString("id")),
                    j -> j.getString("state").equals("RUNNING"),
                    "it runs");
            cancel(job);
            List<JsonObject> rest = ws.messagesUntil(job.getString("id"), "CANCELLED");
            JsonObject end = rest.get(rest.size() - 1);
            assertThat(end.getString("kind")).isEqualTo("state");
            assertThat(end.getJsonObject("progress").getInt("done")).isLessThan(1000);
            assertThat(ws.pollFrame(Duration.ofMillis(200)))
                    .as("nothing after the terminal event")
                    .isNull();
        }
    }

    @Test
    void subscribeUnsubscribeChurnLeavesNoSubscriptionBehind() throws Exception {
        JsonObject job = rest.steps(1000, 100);
        try (WsClient ws = WsClient.v1(server)) {
            for (int i = 0; i < 20; i++) {
                ws.subscribe(job);
                ws.send("{\"type\":\"unsubscribe\",\"job\":\"" + job.getString("id") + "\"}");
            }
            ws.send("{\"type\":\"unsubscribe\",\"job\":\"" + job.getString("id") + "\"}");
            assertError(firstOfType(ws, "error"), job.getString("id"), "not_subscribed");
        } finally {
            cancel(job);
        }
    }

    @Test
    void aLoneSurrogateInAnIdIsNotFoundLikeAnyOtherId() throws Exception {
        try (WsClient ws = WsClient.v1(server)) {
            ws.send("{\"type\":\"subscribe\",\"job\":\"\\ud800\",\"token\":\"t\"}");
            JsonObject error = ws.next();
            assertThat(error.getString("code")).isEqualTo("not_found");
            assertThat(error.getString("job")).isEqualTo("\ufffd");
        }
    }

    @Test
    void aClientAskingForNoSubprotocolIsServedVersion1() throws Exception {
        try (WsClient ws = WsClient.connect(server)) {
            assertThat(ws.subprotocol()).isEmpty();
            ws.send("{\"type\":\"ping\",\"id\":1}");
            assertThat(ws.next().getString("type")).isEqualTo("pong");
        }
    }

    @Test
    void pingIsAnsweredWithPongCarryingTheSameId() throws Exception {
        try (WsClient ws = WsClient.v1(server)) {
            ws.send("{\"type\":\"ping\",\"id\":\"abc-1\"}");
            assertThat(ws.nextFrame()).isEqualTo("{\"type\":\"pong\",\"id\":\"abc-1\"}");
            ws.send("{\"type\":\"ping\",\"id\":42}");
            assertThat(ws.nextFrame()).isEqualTo("{\"type\":\"pong\",\"id\":42}");
            ws.send("{\"type\":\"ping\",\"id\":null}");
            assertThat(ws.nextFrame()).isEqualTo("{\"type\":\"pong\",\"id\":null}");
        }
    }

    @Test
    void unknownJobForeignTokenForgedTokenAndBadIdsAllAnswerNotFoundAndKeepTheConnection() throws Exception {
        JsonObject mine = rest.steps(1, 0);
        JsonObject other = rest.steps(1, 0);
        String token = mine.getString("watchToken");
        try (WsClient ws = WsClient.v1(server)) {
            for (String job : List.of("AAAAAAAAAAAAAAAAAAAAAA", other.getString("id"), "../../etc/passwd", "x")) {
                ws.send("{\"type\":\"subscribe\",\"job\":\"" + job + "\",\"token\":\"" + token + "\"}");
                assertError(ws.next(), job, "not_found");
            }
            ws.send("{\"type\":\"subscribe\",\"job\":\"" + mine.getString("id") + "\",\"token\":\"" + token + "x\"}");
            assertError(ws.next(), mine.getString("id"), "not_found");
            ws.send("{\"type\":\"ping\",\"id\":1}");
            assertThat(ws.next().getString("type")).isEqualTo("pong");
        }
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "{\"type\":\"subscribe\",\"job\":\"abc\"}",
                "{\"type\":\"subscribe\",\"job\":\"abc\",\"token\":\"t\",\"since\":-1}",
                "{\"type\":\"subscribe\",\"job\":\"abc\",\"token\":\"t\",\"since\":1.5}",
                "{\"type\":\"subscribe\",\"job\":7,\"token\":\"t\"}",
                "{\"type\":\"ping\",\"id\":{\"a\":1}}"
            })
    void aKnownTypeWithBadFieldsIsAnInvalidMessageErrorAndTheConnectionStaysOpen(String text) throws Exception {
        try (WsClient ws = WsClient.v1(server)) {
            ws.send(text);
            JsonObject error = ws.next();
            assertThat(error.getString("type")).isEqualTo("error");
            assertThat(error.getString("code")).isEqualTo("invalid_message");
            ws.send("{\"type\":\"ping\",\"id\":2}");
            assertThat(ws.next().getString("type")).isEqualTo("pong");
        }
    }

    @Test
    void fieldsOverFiveHundredTwelveCharactersCountAsMissing() throws Exception {
        try (WsClient ws = WsClient.v1(server)) {
            ws.send("{\"type\":\"subscribe\",\"job\":\"" + "a".repeat(513) + "\",\"token\":\"t\"}");
            JsonObject error = ws.next();
            assertThat(error.getString("code")).isEqualTo("invalid_message");
        }
    }

    @Test
    void subscribingTwiceIsAnErrorAndUnsubscribingWhatIsNotWatchedToo() throws Exception {
        JsonObject job = rest.steps(100, 100);
        try (WsClient ws = WsClient.v1(server)) {
            ws.subscribe(job);
            assertSubscribed(ws.next(), job, false);
            ws.subscribe(job);
            assertThat(firstOfType(ws, "error").getString("code")).isEqualTo("already_subscribed");
            ws.send("{\"type\":\"unsubscribe\",\"job\":\"" + job.getString("id") + "\"}");
            ws.send("{\"type\":\"unsubscribe\",\"job\":\"" + job.getString("id") + "\"}");
            assertError(firstOfType(ws, "error"), job.getString("id"), "not_subscribed");
        } finally {
            cancel(job);
        }
    }

    @Test
    void binaryMessageClosesWith1003() throws Exception {
        try (WsClient ws = WsClient.v1(server)) {
            ws.sendBinary(new byte[] {1, 2, 3});
            assertThat(ws.awaitClose()).isEqualTo(1003);
        }
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "not json",
                "[1,2]",
                "{\"type\":\"subscribe\"",
                "{\"type\":\"launch-missiles\"}",
                "{\"type\":\"event\",\"job\":\"x\"}",
                "{\"type\":\"snapshot\"}",
                "{\"job\":\"x\"}",
                "\"subscribe\"",
                "{\"type\":\"ping\",\"id\":1,\"id\":2}",
                "{\"type\":\"ping\",\"id\":1e1000000}",
                "{\"type\":\"ping\"} x"
            })
    void textThatIsNotAKnownClientMessageClosesWith1007(String text) throws Exception {
        try (WsClient ws = WsClient.v1(server)) {
            ws.send(text);
            assertThat(ws.awaitClose()).isEqualTo(1007);
        }
    }

    @Test
    void deepNestingClosesWith1007() throws Exception {
        try (WsClient ws = WsClient.v1(server)) {
            ws.send("{\"type\":\"ping\",\"id\":1,\"x\":" + "[".repeat(40) + "]".repeat(40) + "}");
            assertThat(ws.awaitClose()).isEqualTo(1007);
        }
    }

    @Test
    void aMessageOfExactlyTheLimitIsServedAndOneByteMoreClosesWith1009() throws Exception {
        int limit = 2048;
        String frame = "{\"type\":\"ping\",\"id\":1,\"pad\":\"\"}";
        String exact = "{\"type\":\"ping\",\"id\":1,\"pad\":\"" + "x".repeat(limit - frame.length()) + "\"}";
        assertThat(exact).hasSize(limit);
        try (WsClient ws = WsClient.v1(server)) {
            ws.send(exact);
            assertThat(ws.next().getString("type")).isEqualTo("pong");
            ws.send(exact.replace("\"pad\":\"", "\"pad\":\"x"));
            assertThat(ws.awaitClose()).isEqualTo(1009);
        }
    }

    static void cancel(JsonObject job) throws Exception {
        rest.http()
                .send(
                        java.net.http.HttpRequest.newBuilder(server.api("jobs/" + job.getString("id") + "/cancel"))
                                .POST(java.net.http.HttpRequest.BodyPublishers.noBody())
                                .build(),
                        java.net.http.HttpResponse.BodyHandlers.discarding());
    }

    private static JsonObject firstOfType(WsClient ws, String type) throws InterruptedException {
        while (true) {
            JsonObject m = ws.next();
            if (type.equals(m.getString("type"))) {
                return m;
            }
        }
    }

    private static List<JsonObject> eventsOf(List<JsonObject> messages, JsonObject job) {
        return messages.stream()
                .filter(m -> "event".equals(m.getString("type")))
                .filter(m -> job.getString("id").equals(m.getString("job")))
                .toList();
    }

    static void assertSubscribed(JsonObject message, JsonObject job, boolean resumed) {
        assertThat(message.getString("type")).isEqualTo("subscribed");
        assertThat(message.getString("job")).isEqualTo(job.getString("id"));
        assertThat(message.getBoolean("resumed")).isEqualTo(resumed);
    }

    static void assertError(JsonObject message, String job, String code) {
        assertThat(message.getString("type")).isEqualTo("error");
        assertThat(message.getString("job")).isEqualTo(job);
        assertThat(message.getString("code")).isEqualTo(code);
        assertThat(message.getString("message")).isNotBlank();
    }
}
