package io.jobpulse.inprocess;

import static org.assertj.core.api.Assertions.assertThat;

import io.jobpulse.websocket.OpenSessions;
import jakarta.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Clients that stop reading, at the wire (docs/protocol.md, "Slow clients"): the smallest send window (4 KiB, pinged
 * every 1 KiB) fills or a send is under way, what follows waits in the outbox, where progress is coalesced with
 * {@code skipped}; v2 gets what waited in {@code batch} frames. The test client stops reading by taking no frames.
 * The 4008 closes (outbox over its bound, a ping unanswered past the lag bound) are asserted on the outbox itself,
 * in {@code websocket.SessionOutboxTest}: a JDK client that took no frames was not closed with 4008 here, so it
 * cannot be trusted to play a peer that stopped reading (it seems to answer pings regardless).
 */
class SlowConsumersTest {

    static final int OUTBOX_MESSAGES = 20;
    static InProcessServer server;
    static Rest rest;

    @BeforeAll
    static void start() throws Exception {
        server = InProcessServer.start(Map.of(
                "jobpulse.ws.send-window", "4096",
                "jobpulse.ws.outbox-messages", Integer.toString(OUTBOX_MESSAGES),
                "jobpulse.ws.max-lag", "1s",
                "jobpulse.ws.idle-timeout", "60s",
                "jobpulse.ws.subscribe-deadline", "60s"));
        rest = server.rest();
    }

    @AfterAll
    static void stop() throws Exception {
        if (server != null) {
            server.close();
        }
    }

    @AfterEach
    void nothingLeftOpen() throws Exception {
        OpenSessions open = server.bean(OpenSessions.class);
        Await.until(open::size, n -> n == 0, "every connection of the test closed");
    }

    @Test
    void aV1ClientThatStopsReadingGetsTheLatestProgressWithSkippedAndEveryStateChangeWithoutBatches() throws Exception {
        List<String> frames = readAfterAStall(WsClient::v1);
        assertThat(frames).noneMatch(f -> f.startsWith("{\"type\":\"batch\""));
        assertSeqRule(frames.stream().map(JsonText::parse).toList());
    }

    @Test
    void aV2ClientThatFallsBehindGetsWhatWaitedInBatchFramesInOrder() throws Exception {
        List<String> frames = readAfterAStall(WsClient::v2);
        List<JsonObject> parsed = frames.stream().map(JsonText::parse).toList();
        List<JsonObject> batches =
                parsed.stream().filter(f -> "batch".equals(f.getString("type"))).toList();
        assertThat(batches).as("batch frames").isNotEmpty().allSatisfy(b -> {
            assertThat(b.getJsonArray("messages").size()).isGreaterThanOrEqualTo(2);
            assertThat(b.getJsonArray("messages"))
                    .noneMatch(m -> "batch".equals(m.asJsonObject().getString("type")));
        });
        assertSeqRule(parsed.stream().flatMap(f -> WsClient.unbatch(f).stream()).toList());
    }

    /**
     * Subscribes to a busy job, stops reading until the job has ended, then reads everything: the frames up to the
     * terminal event.
     */
    private List<String> readAfterAStall(Connector connect) throws Exception {
        JsonObject job = rest.steps(300, 2);
        try (WsClient ws = connect.to(server)) {
            ws.stopReading();
            ws.subscribe(job);
            rest.awaitEnd(job.getString("id"));
            ws.resumeReading();
            List<String> frames = new ArrayList<>();
            while (frames.isEmpty() || !frames.get(frames.size() - 1).contains("\"state\":\"SUCCEEDED\"")) {
                frames.add(ws.nextFrame());
            }
            assertThat(ws.isClosed())
                    .as("a stalled client within its bounds is not closed")
                    .isFalse();
            return frames;
        }
    }

    /**
     * subscribed, snapshot, then events whose seq strictly increases from the snapshot's, every gap announced
     * exactly by the next event's {@code skipped} and over progress-only events; the terminal event last. Some
     * progress was coalesced (the point of the stall).
     */
    private static void assertSeqRule(List<JsonObject> messages) {
        assertThat(messages.get(0).getString("type")).isEqualTo("subscribed");
        assertThat(messages.get(1).getString("type")).isEqualTo("snapshot");
        long last = messages.get(1).getJsonObject("job").getJsonNumber("seq").longValue();
        int skippedEvents = 0;
        for (JsonObject event : messages.subList(2, messages.size())) {
            assertThat(event.getString("type")).isEqualTo("event");
            long seq = event.getJsonNumber("seq").longValue();
            assertThat(seq).as("seq after " + last).isGreaterThan(last);
            if (seq == last + 1) {
                assertThat(event).as("an event right after the previous one").doesNotContainKey("skipped");
            } else {
                JsonObject skipped = event.getJsonObject("skipped");
                assertThat(skipped)
                        .as("the gap before seq " + seq + " is announced")
                        .isNotNull();
                assertThat(skipped.getJsonNumber("from").longValue()).isEqualTo(last + 1);
                assertThat(skipped.getJsonNumber("to").longValue()).isEqualTo(seq - 1);
                assertThat(event.getString("kind")).isEqualTo("progress");
                skippedEvents++;
            }
            last = seq;
        }
        JsonObject end = messages.get(messages.size() - 1);
        assertThat(end.getString("state")).isEqualTo("SUCCEEDED");
        assertThat(end.getJsonObject("progress").getInt("done")).isEqualTo(300);
        assertThat(skippedEvents).as("coalesced progress events").isPositive();
    }

    @FunctionalInterface
    private interface Connector {
        WsClient to(InProcessServer server) throws Exception;
    }
}
