package io.jobpulse.websocket;

import static org.assertj.core.api.Assertions.assertThat;

import io.jobpulse.protocol.ServerMessage;
import io.jobpulse.protocol.ServerMessageEncoder;
import jakarta.json.JsonValue;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class OutboxQueueTest {

    private final OutboxQueue queue = new OutboxQueue();

    private static String event(String job, long seq, String kind) {
        return "{\"type\":\"event\",\"job\":\"" + job + "\",\"seq\":" + seq + ",\"kind\":\"" + kind + "\"}";
    }

    private void live(String job, long seq, boolean progress) {
        queue.addLive(job, seq, progress, event(job, seq, progress ? "progress" : "state"));
    }

    private List<String> drain() {
        List<String> out = new ArrayList<>();
        for (ServerMessage m = queue.poll(); m != null; m = queue.poll()) {
            out.add(m instanceof ServerMessage.Event ? ServerMessageEncoder.text(m) : m.toString());
        }
        return out;
    }

    @Test
    void progressOfAJobReplacesItsWaitingProgressAndNamesWhatItSkipped() {
        live("a", 3, false);
        live("a", 4, true);
        live("a", 5, true);
        live("a", 6, true);

        assertThat(drain())
                .containsExactly(
                        event("a", 3, "state"),
                        "{\"type\":\"event\",\"job\":\"a\",\"seq\":6,\"kind\":\"progress\",\"skipped\":{\"from\":4,\"to\":5}}");
        assertThat(queue.coalesced()).isEqualTo(2);
    }

    @Test
    void aClientThatKeepsUpGetsEveryEvent() {
        List<String> sent = new ArrayList<>();
        for (long seq = 1; seq <= 5; seq++) {
            live("a", seq, seq > 2);
            sent.addAll(drain());
        }

        assertThat(sent)
                .containsExactly(
                        event("a", 1, "state"),
                        event("a", 2, "state"),
                        event("a", 3, "progress"),
                        event("a", 4, "progress"),
                        event("a", 5, "progress"));
        assertThat(queue.coalesced()).isZero();
    }

    @Test
    void stateChangesAreNeverReplacedNorReordered() {
        live("a", 4, true);
        live("a", 5, false);
        live("a", 6, true);
        live("a", 7, true);
        live("a", 8, false);

        assertThat(drain())
                .containsExactly(
                        event("a", 4, "progress"),
                        event("a", 5, "state"),
                        "{\"type\":\"event\",\"job\":\"a\",\"seq\":7,\"kind\":\"progress\",\"skipped\":{\"from\":6,\"to\":6}}",
                        event("a", 8, "state"));
    }

    @Test
    void jobsAreCoalescedSeparatelyAndKeepTheirPlaces() {
        live("a", 1, true);
        live("b", 1, true);
        live("a", 2, true);
        live("b", 2, true);

        assertThat(drain())
                .containsExactly(
                        "{\"type\":\"event\",\"job\":\"a\",\"seq\":2,\"kind\":\"progress\",\"skipped\":{\"from\":1,\"to\":1}}",
                        "{\"type\":\"event\",\"job\":\"b\",\"seq\":2,\"kind\":\"progress\",\"skipped\":{\"from\":1,\"to\":1}}");
    }

    @Test
    void replayedEventsAreNotReplaced() {
        queue.add(new ServerMessage.Event(event("a", 4, "progress")), "a");
        live("a", 5, true);

        assertThat(drain()).containsExactly(event("a", 4, "progress"), event("a", 5, "progress"));
    }

    @Test
    void otherMessagesKeepTheirPlaceWhileAJobsProgressIsReplaced() {
        live("a", 5, true);
        queue.add(new ServerMessage.Pong(JsonValue.NULL), null);
        live("a", 6, true);

        List<String> out = drain();
        assertThat(out).hasSize(2);
        assertThat(out.get(0))
                .isEqualTo(
                        "{\"type\":\"event\",\"job\":\"a\",\"seq\":6,\"kind\":\"progress\",\"skipped\":{\"from\":5,\"to\":5}}");
        assertThat(out.get(1)).startsWith("Pong");
    }

    @Test
    void aGapInSeqIsNotCoalescedAcross() {
        live("a", 4, true);
        live("a", 6, true);

        assertThat(drain()).containsExactly(event("a", 4, "progress"), event("a", 6, "progress"));
    }

    @Test
    void countsMessagesAndBytesWaiting() {
        live("a", 1, true);
        live("b", 1, false);
        queue.add(new ServerMessage.Pong(JsonValue.NULL), null);
        long eventBytes =
                event("a", 1, "progress").length() + event("b", 1, "state").length();
        assertThat(queue.size()).isEqualTo(3);
        assertThat(queue.bytes()).isEqualTo(eventBytes + OutboxQueue.UNENCODED_BYTES);

        live("a", 2, true);
        assertThat(queue.size()).isEqualTo(3);
        assertThat(queue.bytes()).isEqualTo(eventBytes + OutboxQueue.UNENCODED_BYTES);

        drain();
        assertThat(queue.size()).isZero();
        assertThat(queue.bytes()).isZero();
    }

    @Test
    void aSentEventIsNoLongerReplaceable() {
        live("a", 1, true);
        assertThat(queue.poll()).isNotNull();
        live("a", 2, true);

        assertThat(drain()).containsExactly(event("a", 2, "progress"));
    }

    @Test
    void pollsWaitingMessagesTogetherInOrderUpToTheCharacterBudget() {
        live("a", 1, false);
        live("b", 1, false);
        live("a", 2, false);
        live("b", 2, false);
        int oneEvent = event("a", 1, "state").length();

        List<ServerMessage> first = queue.pollUpTo(2 * oneEvent + 5);
        List<ServerMessage> rest = queue.pollUpTo(100 * oneEvent);

        assertThat(first)
                .extracting(m -> ((ServerMessage.Event) m).text())
                .containsExactly(event("a", 1, "state"), event("b", 1, "state"));
        assertThat(rest)
                .extracting(m -> ((ServerMessage.Event) m).text())
                .containsExactly(event("a", 2, "state"), event("b", 2, "state"));
        assertThat(queue.pollUpTo(1000)).isEmpty();
        assertThat(queue.bytes()).isZero();
    }

    @Test
    void theFirstWaitingMessageIsPolledWhateverItsSize() {
        live("a", 1, false);
        live("a", 2, false);

        assertThat(queue.pollUpTo(1)).hasSize(1);
        assertThat(queue.size()).isEqualTo(1);
    }

    @Test
    void aBatchCountsItsMessagesAndItsFrame() {
        ServerMessage.Event a = new ServerMessage.Event(event("a", 1, "state"));
        ServerMessage.Event b = new ServerMessage.Event(event("b", 1, "state"));
        String encoded = new io.jobpulse.protocol.ServerMessageEncoder().encode(new ServerMessage.Batch(List.of(a, b)));

        assertThat(OutboxQueue.chars(new ServerMessage.Batch(List.of(a, b)))).isGreaterThanOrEqualTo(encoded.length());
    }

    @Test
    void aCoalescedEventCountsInTheSendWindowAsTheTextThatGoesOut() {
        live("a", 4, true);
        live("a", 5, true);
        ServerMessage polled = queue.poll();

        assertThat(OutboxQueue.chars(polled))
                .isEqualTo(ServerMessageEncoder.text(polled).length())
                .isGreaterThan(event("a", 5, "progress").length());
    }
}
