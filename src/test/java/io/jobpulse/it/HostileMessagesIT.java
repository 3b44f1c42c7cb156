package io.jobpulse.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.jobpulse.config.WebSocketSettings;
import jakarta.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * JSON-level hostile messages on an open connection (docs/protocol.md, "Errors" and "Close codes"): what is not a
 * client message closes with 1007, what is too big with 1009, a known type with bad fields is an
 * {@code invalid_message} error on a connection that stays open, and nothing tells one owner's job from a missing one.
 */
class HostileMessagesIT extends UnderHostileInput {

    private static final int LIMIT = WebSocketSettings.defaults().maxMessageBytes();
    private static final String UNKNOWN_JOB = "AAAAAAAAAAAAAAAAAAAAAA";

    @ParameterizedTest(name = "[{index}] {0}")
    @ValueSource(
            strings = {
                "not json",
                "{\"type\":\"subscr",
                "{\"type\":\"subscribe\",\"job\":\"x\",\"token\":\"t\"",
                "",
                " ",
                "[]",
                "null",
                "{\"type\":\"ping\",\"id\":1}{\"type\":\"ping\",\"id\":2}",
                "{\"type\":\"admin\"}",
                "{\"type\":\"__proto__\"}",
                "{\"type\":\"SUBSCRIBE\",\"job\":\"x\",\"token\":\"t\"}",
                "{\"type\":5}",
                "{\"type\":null}",
                "{\"job\":\"x\",\"token\":\"t\"}",
                "{\"type\":\"event\",\"job\":\"x\",\"seq\":1,\"state\":\"SUCCEEDED\"}",
                "{\"type\":\"snapshot\",\"job\":{}}",
                "{\"type\":\"subscribed\",\"job\":\"x\",\"resumed\":true}",
                "{\"type\":\"pong\",\"id\":1}",
                "{\"type\":\"error\",\"code\":\"not_found\"}"
            })
    void whatIsNotAClientMessageCloses1007(String text) throws Exception {
        expectClose(text.isEmpty() ? "(empty message)" : text, text, 1007);
    }

    @Test
    void deepNestingCloses1007() throws Exception {
        int depth = (LIMIT - 40) / 2;
        expectClose(
                "nesting " + depth + " deep",
                "{\"type\":\"ping\",\"id\":" + "[".repeat(depth) + "]".repeat(depth) + "}",
                1007);
    }

    @Test
    void deepNestingInAnUnknownFieldCloses1007() throws Exception {
        // 100 levels: past the depth limit (32) and within the size limit, so the depth rule is what trips
        expectClose(
                "nesting 100 deep in an unknown field",
                "{\"type\":\"ping\",\"id\":1,\"x\":" + "{\"a\":".repeat(100) + "1" + "}".repeat(100) + "}",
                1007);
    }

    @ParameterizedTest(name = "since {0}")
    @ValueSource(strings = {"1e1000000", "-1e1000000", "1e-1000000", "200 digits"})
    void hugeNumbersClose1007(String literal) throws Exception {
        String number = literal.equals("200 digits") ? "1" + "0".repeat(199) : literal;
        expectClose(
                "since " + literal,
                "{\"type\":\"subscribe\",\"job\":\"" + UNKNOWN_JOB + "\",\"token\":\"t\",\"since\":" + number + "}",
                1007);
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(
            strings = {
                "{\"type\":\"subscribe\",\"job\":\"A\",\"job\":\"B\",\"token\":\"t\"}",
                "{\"type\":\"ping\",\"type\":\"subscribe\",\"id\":1}",
                "{\"type\":\"ping\",\"id\":1,\"id\":2}"
            })
    void duplicateKeysClose1007(String text) throws Exception {
        expectClose("duplicate keys: " + text, text, 1007);
    }

    @Test
    void invalidUtf8Closes1007() throws Exception {
        byte[] text = "{\"type\":\"ping\",\"id\":\"\u00ff\"}".getBytes(StandardCharsets.ISO_8859_1);
        try (RawWebSocket socket = RawWebSocket.connectUpgraded(ws)) {
            socket.send(Frames.frame(Frames.TEXT).payload(text));
            RawWebSocket.Ending ending = socket.awaitEnding();
            observed("invalid UTF-8 (a Latin-1 byte) in a ping", ending.toString());
            assertThat(ending.summary()).isEqualTo("close 1007");
        }
    }

    @Test
    void messageOfExactlyTheLimitIsServedAndOneByteMoreCloses1009() throws Exception {
        String ping = "{\"type\":\"ping\",\"id\":\"at-limit\"}";
        try (WsClient client = WsClient.connect(ws)) {
            client.send(" ".repeat(LIMIT - ping.length()) + ping);
            assertThat(client.next().getString("id")).isEqualTo("at-limit");
        }
        expectClose(LIMIT + 1 + " bytes (limit + 1)", " ".repeat(LIMIT + 1 - ping.length()) + ping, 1009);
    }

    @Test
    void messageOverTheLimitAssembledFromFragmentsCloses1009() throws Exception {
        try (RawWebSocket socket = RawWebSocket.connectUpgraded(ws)) {
            socket.send(Frames.frame(Frames.TEXT)
                    .fin(false)
                    .payload(" ".repeat(LIMIT / 2).getBytes(StandardCharsets.UTF_8)));
            socket.send(Frames.frame(Frames.CONTINUATION)
                    .payload(
                            (" ".repeat(LIMIT / 2) + "{\"type\":\"ping\",\"id\":1}").getBytes(StandardCharsets.UTF_8)));
            RawWebSocket.Ending ending = socket.awaitEnding();
            observed("limit + 22 bytes in two fragments", ending.toString());
            assertThat(ending.summary()).isEqualTo("close 1009");
        }
    }

    @Test
    void tenKilobyteIdIsOverTheLimit() throws Exception {
        expectClose(
                "subscribe with a 10 KB job id",
                "{\"type\":\"subscribe\",\"job\":\"" + "a".repeat(10 * 1024) + "\",\"token\":\"t\"}",
                1009);
    }

    @ContainerIndependent // a decoded message JobPulse answers itself
    @ParameterizedTest(name = "{0}")
    @ValueSource(
            strings = {
                "{\"type\":\"subscribe\",\"job\":5,\"token\":\"t\"}",
                "{\"type\":\"subscribe\",\"job\":null,\"token\":\"t\"}",
                "{\"type\":\"subscribe\",\"job\":[\"x\"],\"token\":\"t\"}",
                "{\"type\":\"subscribe\",\"job\":{},\"token\":\"t\"}",
                "{\"type\":\"subscribe\",\"job\":\"x\"}",
                "{\"type\":\"subscribe\",\"job\":\"x\",\"token\":7}",
                "{\"type\":\"subscribe\",\"token\":\"t\"}",
                "{\"type\":\"subscribe\",\"job\":\"x\",\"token\":\"t\",\"since\":-1}",
                "{\"type\":\"subscribe\",\"job\":\"x\",\"token\":\"t\",\"since\":1.5}",
                "{\"type\":\"subscribe\",\"job\":\"x\",\"token\":\"t\",\"since\":\"12\"}",
                "{\"type\":\"subscribe\",\"job\":\"x\",\"token\":\"t\",\"since\":9223372036854775808}",
                "{\"type\":\"subscribe\",\"job\":\"x\",\"token\":\"t\",\"since\":true}",
                "{\"type\":\"unsubscribe\",\"job\":[]}",
                "{\"type\":\"unsubscribe\"}",
                "{\"type\":\"ping\",\"id\":{\"a\":1}}",
                "{\"type\":\"ping\",\"id\":[1]}"
            })
    void knownTypeWithBadFieldsIsAnInvalidMessageErrorAndTheConnectionStaysOpen(String text) throws Exception {
        expectErrorAndStillOpen("bad fields: " + text, text, "invalid_message");
    }

    @ContainerIndependent // a decoded message JobPulse answers itself
    @Test
    void fieldsOverFiveHundredTwelveCharactersCountAsMissing() throws Exception {
        expectErrorAndStillOpen(
                "subscribe with a 600-character job id",
                "{\"type\":\"subscribe\",\"job\":\"" + "a".repeat(600) + "\",\"token\":\"t\"}",
                "invalid_message");
    }

    @ContainerIndependent // a decoded message JobPulse answers itself
    @Test
    void anotherOwnersJobAForgedTokenAndAnUnknownJobAllLookTheSame() throws Exception {
        ApiClient bob = new ApiClient(base, ApiClient.BOB);
        JsonObject bobs = bob.submit("{\"type\":\"steps\",\"params\":{\"count\":600,\"intervalMs\":100}}");
        JsonObject alices = alice.submit("{\"type\":\"steps\",\"params\":{\"count\":1,\"intervalMs\":0}}");
        String bobsToken = bobs.getString("watchToken");
        String forged = bobsToken.substring(0, bobsToken.length() - 2) + (bobsToken.endsWith("AA") ? "BB" : "AA");
        try (WsClient client = WsClient.connect(ws)) {
            List<JsonObject> replies = new ArrayList<>();
            for (String[] attempt : new String[][] {
                {bobs.getString("id"), alices.getString("watchToken")},
                {bobs.getString("id"), forged},
                {UNKNOWN_JOB, alices.getString("watchToken")},
                {UNKNOWN_JOB, bobsToken},
                {bobs.getString("id"), ""}
            }) {
                client.subscribe(attempt[0], attempt[1]);
                JsonObject reply = client.next();
                assertError(reply, "not_found");
                replies.add(reply);
            }
            observed(
                    "bob's job with alice's token, a forged token, an unknown job",
                    replies.get(0).toString());
            assertThat(replies)
                    .extracting(r -> r.getString("message"))
                    .as("no oracle in the message")
                    .containsOnly(replies.get(0).getString("message"));
            assertStillServes(client);
        } finally {
            bob.post("api/jobs/" + bobs.getString("id") + "/cancel", "");
        }
    }

    @ContainerIndependent // a decoded message JobPulse answers itself
    @ParameterizedTest(name = "job {0}")
    @ValueSource(
            strings = {
                "../jobs",
                "../../etc/passwd",
                "*",
                "%",
                "%2e%2e%2f",
                "job\\u0000x",
                " ",
                "AAAAAAAAAAAAAAAAAAAAAA/../x",
                "\\u202e"
            })
    void pathLikeAndOddIdsAreNotFound(String job) throws Exception {
        expectErrorAndStillOpen(
                "subscribe to job " + job,
                "{\"type\":\"subscribe\",\"job\":\"" + job + "\",\"token\":\"t\"}",
                "not_found");
    }

    @Test
    void loneSurrogateInAnIdIsNotFoundLikeAnyOtherId() throws Exception {
        try (WsClient client = WsClient.connect(ws)) {
            client.send("{\"type\":\"subscribe\",\"job\":\"\\ud800\",\"token\":\"t\"}");
            JsonObject reply = client.poll(Duration.ofSeconds(5));
            observed("subscribe to job \"\\ud800\" (a lone surrogate escape)", String.valueOf(reply));
            assertThat(reply)
                    .as("an answer to a subscribe whose job id is a lone surrogate")
                    .isNotNull();
            assertError(reply, "not_found");
            assertStillServes(client);
        }
    }

    @ContainerIndependent // a decoded message JobPulse answers itself
    @Test
    void sinceInTheFutureAnswersASnapshot() throws Exception {
        JsonObject job = alice.submit("{\"type\":\"steps\",\"params\":{\"count\":2,\"intervalMs\":0}}");
        String id = job.getString("id");
        alice.awaitJob(id, j -> j.getString("state").equals("SUCCEEDED"), WsClient.WAIT);
        try (WsClient client = WsClient.connect(ws)) {
            client.subscribe(id, job.getString("watchToken"), 1_000_000);
            JsonObject subscribed = client.next();
            assertThat(subscribed.getString("type")).isEqualTo("subscribed");
            assertThat(subscribed.getBoolean("resumed")).isFalse();
            JsonObject snapshot = client.next();
            assertThat(snapshot.getString("type")).isEqualTo("snapshot");
            assertThat(snapshot.getJsonObject("job").getString("id")).isEqualTo(id);
            assertThat(snapshot.getJsonObject("job").getString("state")).isEqualTo("SUCCEEDED");
            observed("since 1 000 000 (ahead of the job)", "subscribed resumed:false, then snapshot");
            assertStillServes(client);
        }
    }

    @ContainerIndependent // a decoded message JobPulse answers itself
    @Test
    void subscribeFloodBeyondMaxSubscriptionsIsRefusedWithTooManySubscriptions() throws Exception {
        int max = 1000;
        ApiClient bob = new ApiClient(base, ApiClient.BOB);
        List<String[]> jobs = new ArrayList<>();
        try {
            // jobs that stay QUEUED or RUNNING, so every subscription holds its slot: half alice's, half bob's
            for (int i = 0; i < max + 1; i++) {
                JsonObject job = (i % 2 == 0 ? alice : bob)
                        .submit("{\"type\":\"steps\",\"params\":{\"count\":1,\"intervalMs\":60000}}");
                jobs.add(new String[] {job.getString("id"), job.getString("watchToken"), i % 2 == 0 ? "a" : "b"});
            }
            try (WsClient client = WsClient.connect(ws)) {
                for (String[] job : jobs) {
                    client.subscribe(job[0], job[1]);
                }
                int subscribed = 0;
                JsonObject refusal = null;
                while (subscribed < max || refusal == null) {
                    JsonObject message = client.next();
                    switch (message.getString("type")) {
                        case "subscribed" -> subscribed++;
                        case "snapshot", "event" -> {}
                        case "error" -> {
                            assertThat(refusal).as("only one refusal").isNull();
                            refusal = message;
                        }
                        default -> throw new AssertionError("unexpected " + message);
                    }
                }
                observed((max + 1) + " subscribes on one connection", subscribed + " subscribed, then " + refusal);
                assertThat(subscribed).isEqualTo(max);
                assertError(refusal, "too_many_subscriptions");
                assertThat(refusal.getString("job")).isEqualTo(jobs.get(max)[0]);
                assertThat(client.isOpen()).isTrue();
            }
        } finally {
            for (String[] job : jobs) {
                (job[2].equals("a") ? alice : bob).post("api/jobs/" + job[0] + "/cancel", "");
            }
        }
    }

    @ContainerIndependent // a decoded message JobPulse answers itself
    @Test
    void subscribeUnsubscribeChurnLeavesNoSubscriptionBehind() throws Exception {
        int rounds = 400;
        JsonObject job = alice.submit("{\"type\":\"steps\",\"params\":{\"count\":600,\"intervalMs\":100}}");
        String id = job.getString("id");
        try (WsClient client = WsClient.connect(ws)) {
            for (int i = 0; i < rounds; i++) {
                client.subscribe(id, job.getString("watchToken"));
                client.send("{\"type\":\"unsubscribe\",\"job\":\"" + id + "\"}");
            }
            client.send("{\"type\":\"unsubscribe\",\"job\":\"" + id + "\"}");
            int subscribed = 0;
            JsonObject last;
            while (true) {
                last = client.next();
                if (last.getString("type").equals("subscribed")) {
                    subscribed++;
                } else if (last.getString("type").equals("error")) {
                    break;
                }
            }
            observed(rounds + " subscribe/unsubscribe pairs on one job", subscribed + " subscribed, then " + last);
            assertThat(subscribed).isEqualTo(rounds);
            assertError(last, "not_subscribed");
        } finally {
            alice.post("api/jobs/" + id + "/cancel", "");
        }
    }

    private void expectClose(String testCase, String text, int code) throws Exception {
        try (WsClient client = WsClient.connect(ws)) {
            client.send(text);
            int closed = client.awaitClose();
            observed(testCase.length() > 120 ? testCase.substring(0, 120) + "..." : testCase, "close " + closed);
            assertThat(closed).as(testCase).isEqualTo(code);
        }
    }

    private void expectErrorAndStillOpen(String testCase, String text, String code) throws Exception {
        try (WsClient client = WsClient.connect(ws)) {
            client.send(text);
            JsonObject reply = client.next();
            observed(testCase, reply.toString());
            assertError(reply, code);
            assertStillServes(client);
        }
    }

    private static void assertStillServes(WsClient client) throws Exception {
        client.send("{\"type\":\"ping\",\"id\":\"still-open\"}");
        JsonObject pong;
        do {
            pong = client.next();
        } while (!pong.getString("type").equals("pong"));
        assertThat(pong.getString("id")).isEqualTo("still-open");
    }

    private static void assertError(JsonObject message, String code) {
        assertThat(message.getString("type")).as(message.toString()).isEqualTo("error");
        assertThat(message.getString("code")).as(message.toString()).isEqualTo(code);
        assertThat(message.getString("message")).isNotBlank();
    }
}
