package io.jobpulse.websocket;

import static org.assertj.core.api.Assertions.assertThat;

import io.jobpulse.inprocess.ManualTicker;
import io.jobpulse.job.EventKind;
import io.jobpulse.job.JobEvent;
import io.jobpulse.job.JobId;
import io.jobpulse.job.JobState;
import io.jobpulse.job.Progress;
import io.jobpulse.metrics.Counter;
import io.jobpulse.metrics.NodeMetrics;
import io.jobpulse.protocol.JobJson;
import io.jobpulse.protocol.ServerMessage;
import jakarta.json.Json;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** {@link SessionOutbox} against a fake session: one send at a time, coalescing, batches, the window, 4008 and 1011. */
class SessionOutboxTest {

    private static final Duration LAG = Duration.ofSeconds(30);
    private final FakeSession fake = new FakeSession();
    private final NodeMetrics metrics = new NodeMetrics();
    private final ManualTicker ticker = new ManualTicker();
    private final JobId job = JobId.random();

    private SessionOutbox outbox(int messages, long window, int batchChars) {
        return new SessionOutbox(
                fake.session,
                new SessionOutbox.Bounds(messages, 1 << 20, window, LAG, batchChars),
                metrics,
                Runnable::run,
                ticker);
    }

    private static ServerMessage pong(int id) {
        return new ServerMessage.Pong(Json.createValue(id));
    }

    private JobEvent event(long seq, EventKind kind) {
        JobState state = kind == EventKind.STATE && seq > 10 ? JobState.SUCCEEDED : JobState.RUNNING;
        return new JobEvent(job, seq, kind, state, new Progress(seq, 100, "step " + seq), Instant.EPOCH, null, null);
    }

    private void live(SessionOutbox outbox, long seq, EventKind kind) {
        JobEvent e = event(seq, kind);
        outbox.sendLive(e, JobJson.eventText(e));
    }

    @Test
    void sendsOneMessageAtATimeInTheOrderQueued() {
        SessionOutbox outbox = outbox(100, 64 * 1024, 0);
        outbox.send(pong(1), null);
        outbox.send(pong(2), null);
        outbox.send(pong(3), null);
        assertThat(fake.frames).containsExactly("{\"type\":\"pong\",\"id\":1}");
        fake.completeSend();
        assertThat(fake.frames).hasSize(2);
        fake.completeSend();
        fake.completeSend();
        assertThat(fake.frames)
                .containsExactly(
                        "{\"type\":\"pong\",\"id\":1}", "{\"type\":\"pong\",\"id\":2}", "{\"type\":\"pong\",\"id\":3}");
        assertThat(fake.sendsUnderWay()).isZero();
    }

    @Test
    void aLaggingClientsProgressIsCoalescedWithSkippedButStateChangesAreKept() {
        SessionOutbox outbox = outbox(100, 64 * 1024, 0);
        live(outbox, 4, EventKind.PROGRESS);
        live(outbox, 5, EventKind.PROGRESS);
        live(outbox, 6, EventKind.PROGRESS);
        live(outbox, 7, EventKind.PROGRESS);
        live(outbox, 8, EventKind.STATE);
        live(outbox, 9, EventKind.PROGRESS);
        for (int i = 0; i < 4; i++) {
            fake.completeSend();
        }
        assertThat(fake.frames)
                .extracting(f -> io.jobpulse.inprocess.JsonText.parse(f).getInt("seq"))
                .containsExactly(4, 7, 8, 9);
        assertThat(io.jobpulse.inprocess.JsonText.parse(fake.frames.get(1)).getJsonObject("skipped"))
                .isEqualTo(
                        Json.createObjectBuilder().add("from", 5).add("to", 6).build());
        assertThat(fake.frames.get(2)).doesNotContain("skipped");
        assertThat(fake.frames.get(3)).doesNotContain("skipped");
        assertThat(metrics.get(Counter.WS_PROGRESS_COALESCED)).isEqualTo(2);
    }

    @Test
    void aV2OutboxSendsWhatWaitedAsOneBatchInOrderAndAV1OutboxNever() {
        SessionOutbox v2 = outbox(100, 64 * 1024, 16 * 1024);
        v2.send(pong(1), null);
        v2.send(pong(2), null);
        v2.send(pong(3), null);
        v2.send(pong(4), null);
        fake.completeSend();
        assertThat(fake.frames)
                .containsExactly(
                        "{\"type\":\"pong\",\"id\":1}",
                        "{\"type\":\"batch\",\"messages\":[{\"type\":\"pong\",\"id\":2},{\"type\":\"pong\",\"id\":3},"
                                + "{\"type\":\"pong\",\"id\":4}]}");
        assertThat(metrics.get(Counter.WS_BATCHES_SENT)).isEqualTo(1);
        fake.completeSend();
        v2.send(pong(5), null);
        assertThat(fake.frames.get(2))
                .as("a single waiting message goes alone")
                .isEqualTo("{\"type\":\"pong\",\"id\":5}");
    }

    @Test
    void moreMessagesWaitingThanTheBoundClosesWith4008AndDropsTheRest() {
        SessionOutbox outbox = outbox(2, 64 * 1024, 0);
        outbox.send(pong(1), null); // in flight
        outbox.send(pong(2), null);
        outbox.send(pong(3), null);
        assertThat(fake.closes).isEmpty();
        outbox.send(pong(4), null);
        assertThat(fake.closeCodes()).containsExactly(4008);
        assertThat(metrics.get(Counter.WS_CLOSED_LAGGING)).isEqualTo(1);
        fake.completeSend();
        outbox.send(pong(5), null);
        assertThat(fake.frames).containsExactly("{\"type\":\"pong\",\"id\":1}");
    }

    @Test
    void oneSendUnfinishedPastTheLagBoundClosesWith4008AndNotBefore() {
        SessionOutbox outbox = outbox(100, 64 * 1024, 0);
        outbox.send(pong(1), null);
        ticker.advance(LAG);
        outbox.checkLag(ticker.nanoTime());
        assertThat(fake.closes).isEmpty();
        ticker.advance(Duration.ofMillis(1));
        outbox.checkLag(ticker.nanoTime());
        assertThat(fake.closeCodes()).containsExactly(4008);
    }

    @Test
    void theWindowPingsEveryQuarterAndHoldsMessagesUntilThePongConfirmsWhatWasRead() {
        fake.completeInline = true;
        SessionOutbox outbox = outbox(1000, 4096, 0);
        String id = "x".repeat(480);
        int sent = 0;
        while (fake.pings.isEmpty()) {
            outbox.send(new ServerMessage.Pong(Json.createValue(id)), null);
            sent++;
        }
        assertThat(sent * 504)
                .as("a ping once a quarter window (1 KiB) has been sent")
                .isBetween(1024, 1024 + 2 * 504);
        for (int i = 0; i < 20; i++) {
            outbox.send(new ServerMessage.Pong(Json.createValue(id)), null);
        }
        int framesWhenShut = fake.frames.size();
        assertThat(framesWhenShut).as("at most the window unconfirmed").isLessThan(23);
        // nothing is read: the oldest ping ages past the lag bound
        ticker.advance(LAG.plusMillis(1));
        outbox.checkLag(ticker.nanoTime());
        assertThat(fake.closeCodes()).containsExactly(4008);
    }

    @Test
    void aPongMovesTheWindowOnAndWhatWaitedGoes() {
        fake.completeInline = true;
        SessionOutbox outbox = outbox(1000, 4096, 0);
        String id = "x".repeat(480);
        for (int i = 0; i < 23; i++) {
            outbox.send(new ServerMessage.Pong(Json.createValue(id)), null);
        }
        int framesWhenShut = fake.frames.size();
        assertThat(framesWhenShut).isLessThan(23);
        for (long ping : java.util.List.copyOf(fake.pings)) {
            outbox.pong(FakeSession.pong(ping));
        }
        assertThat(fake.frames.size()).isGreaterThan(framesWhenShut);
        assertThat(fake.closes).isEmpty();
    }

    @Test
    void aFailedSendClosesWith1011AndAFailedSendWithAPingUnansweredIsLagging() {
        SessionOutbox outbox = outbox(100, 64 * 1024, 0);
        outbox.send(pong(1), null);
        fake.failSend(new java.io.IOException("reset"));
        assertThat(fake.closeCodes()).containsExactly(1011);
    }

    @Test
    void discardStopsSendingAndDropsWhatWaits() {
        SessionOutbox outbox = outbox(100, 64 * 1024, 0);
        outbox.send(pong(1), null);
        outbox.send(pong(2), null);
        outbox.discard();
        fake.completeSend();
        outbox.send(pong(3), null);
        assertThat(fake.frames).containsExactly("{\"type\":\"pong\",\"id\":1}");
    }
}
