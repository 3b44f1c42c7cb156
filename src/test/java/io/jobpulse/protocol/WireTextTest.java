package io.jobpulse.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import io.jobpulse.job.EventKind;
import io.jobpulse.job.Job;
import io.jobpulse.job.JobError;
import io.jobpulse.job.JobEvent;
import io.jobpulse.job.JobId;
import io.jobpulse.job.Progress;
import jakarta.json.Json;
import jakarta.json.JsonValue;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * The exact text of every server message, as docs/protocol.md shows it. Clients compare nothing but these bytes, so
 * a refactoring of the codecs must leave every one of them unchanged.
 */
class WireTextTest {

    static final String JOB = "AAAAAAAAAAAAAAAAAAAAAA";
    static final String PROGRESS_EVENT = "{\"type\":\"event\",\"job\":\"" + JOB + "\",\"seq\":3,\"kind\":\"progress\","
            + "\"state\":\"RUNNING\",\"progress\":{\"done\":1,\"total\":4,\"percent\":25,\"message\":\"one of four\"},"
            + "\"at\":\"2025-01-01T10:01:00.123Z\"}";
    static final String SUCCEEDED_EVENT = "{\"type\":\"event\",\"job\":\"" + JOB + "\",\"seq\":4,\"kind\":\"state\","
            + "\"state\":\"SUCCEEDED\",\"progress\":{\"done\":1,\"total\":4,\"percent\":25,\"message\":\"one of four\"},"
            + "\"at\":\"2025-01-01T10:01:00.500Z\",\"result\":{\"count\":7}}";
    static final String SNAPSHOT = "{\"type\":\"snapshot\",\"job\":{\"id\":\"" + JOB + "\",\"type\":\"steps\","
            + "\"name\":\"nightly\",\"state\":\"QUEUED\",\"seq\":1,"
            + "\"progress\":{\"done\":0,\"total\":0,\"percent\":null,\"message\":\"\"},\"params\":{\"steps\":3},"
            + "\"createdAt\":\"2025-01-01T10:00:00Z\",\"startedAt\":null,\"finishedAt\":null,\"result\":null,"
            + "\"error\":null,\"cancelRequested\":false,\"node\":null,\"external\":false,\"lastReportAt\":null}}";
    static final String NOT_FOUND = "{\"type\":\"error\",\"job\":\"" + JOB + "\",\"code\":\"not_found\","
            + "\"message\":\"no such job, or the token does not grant it\"}";

    static Job aQueuedJob() {
        return Job.submit(
                new JobId(JOB),
                "steps",
                "nightly",
                "alice",
                Map.of("steps", 3L),
                Instant.parse("2025-01-01T10:00:00Z"));
    }

    static Job aRunningJob() {
        return aQueuedJob()
                .start(Instant.parse("2025-01-01T10:00:05Z"), "node-1")
                .report(new Progress(1, 4, "one of four"))
                .orElseThrow();
    }

    static JobEvent aProgressEvent() {
        return aRunningJob().event(EventKind.PROGRESS, Instant.parse("2025-01-01T10:01:00.123Z"));
    }

    static JobEvent aSucceededEvent() {
        return aRunningJob()
                .succeed(Map.of("count", 7L), Instant.parse("2025-01-01T10:01:00Z"))
                .event(EventKind.STATE, Instant.parse("2025-01-01T10:01:00.500Z"));
    }

    @Test
    void progressEvent() {
        assertThat(JobJson.eventText(aProgressEvent())).isEqualTo(PROGRESS_EVENT);
    }

    @Test
    void succeededEventCarriesTheResult() {
        assertThat(JobJson.eventText(aSucceededEvent())).isEqualTo(SUCCEEDED_EVENT);
    }

    @Test
    void failedEventCarriesTheErrorWithEscapedText() {
        JobEvent failed = aRunningJob()
                .fail(new JobError("handler_error", "boom \"x\""), Instant.parse("2025-01-01T10:01:00Z"))
                .event(EventKind.STATE, Instant.parse("2025-01-01T10:01:00.500Z"));
        String head = "{\"type\":\"event\",\"job\":\"" + JOB + "\",\"seq\":4,\"kind\":\"state\",\"state\":\"FAILED\","
                + "\"progress\":{\"done\":1,\"total\":4,\"percent\":25,\"message\":\"one of four\"},"
                + "\"at\":\"2025-01-01T10:01:00.500Z\",\"error\":";
        // the error's two members come from a Map.of, whose order is fixed per JVM run but not across runs
        assertThat(JobJson.eventText(failed))
                .isIn(
                        head + "{\"kind\":\"handler_error\",\"message\":\"boom \\\"x\\\"\"}}",
                        head + "{\"message\":\"boom \\\"x\\\"\",\"kind\":\"handler_error\"}}");
    }

    @Test
    void anEventIsSentAsEncodedOnce() {
        String text = JobJson.eventText(aProgressEvent());
        assertThat(ServerMessageEncoder.text(new ServerMessage.Event(text))).isSameAs(text);
    }

    @Test
    void subscribed() {
        assertThat(ServerMessageEncoder.text(new ServerMessage.Subscribed(JOB, true)))
                .isEqualTo("{\"type\":\"subscribed\",\"job\":\"" + JOB + "\",\"resumed\":true}");
    }

    @Test
    void snapshot() {
        assertThat(ServerMessageEncoder.text(new ServerMessage.Snapshot(JobJson.view(aQueuedJob()))))
                .isEqualTo(SNAPSHOT);
    }

    @Test
    void errorAboutAJob() {
        assertThat(ServerMessageEncoder.text(new ServerMessage.Error(
                        JOB, ErrorCode.NOT_FOUND, "no such job, or the token does not grant it")))
                .isEqualTo(NOT_FOUND);
    }

    @Test
    void errorAboutNoJobHasNoJobMember() {
        assertThat(ServerMessageEncoder.text(new ServerMessage.Error(null, ErrorCode.INVALID_MESSAGE, "ping: bad")))
                .isEqualTo("{\"type\":\"error\",\"code\":\"invalid_message\",\"message\":\"ping: bad\"}");
    }

    @Test
    void pong() {
        assertThat(ServerMessageEncoder.text(new ServerMessage.Pong(JsonValue.NULL)))
                .isEqualTo("{\"type\":\"pong\",\"id\":null}");
    }

    @Test
    void batch() {
        String text = ServerMessageEncoder.text(new ServerMessage.Batch(
                List.of(new ServerMessage.Subscribed(JOB, false), new ServerMessage.Event(PROGRESS_EVENT))));

        assertThat(text)
                .isEqualTo("{\"type\":\"batch\",\"messages\":[{\"type\":\"subscribed\",\"job\":\"" + JOB
                        + "\",\"resumed\":false}," + PROGRESS_EVENT + "]}");
    }

    @Test
    void aCoalescedEventEndsWithTheRangeItSkipped() {
        ServerMessage.Event event = new ServerMessage.Event(PROGRESS_EVENT).skipping(new SkippedRange(1, 2));

        assertThat(ServerMessageEncoder.text(event))
                .isEqualTo(PROGRESS_EVENT.substring(0, PROGRESS_EVENT.length() - 1)
                        + ",\"skipped\":{\"from\":1,\"to\":2}}");
        assertThat(event.text())
                .as("the text shared with other watchers is not edited")
                .isEqualTo(PROGRESS_EVENT);
    }

    @Test
    void aBatchWritesTheSkippedRangeOfItsEvents() {
        ServerMessage.Event coalesced = new ServerMessage.Event(PROGRESS_EVENT).skipping(new SkippedRange(2, 2));

        assertThat(ServerMessageEncoder.text(
                        new ServerMessage.Batch(List.of(coalesced, new ServerMessage.Event(SUCCEEDED_EVENT)))))
                .isEqualTo(
                        "{\"type\":\"batch\",\"messages\":[" + PROGRESS_EVENT.substring(0, PROGRESS_EVENT.length() - 1)
                                + ",\"skipped\":{\"from\":2,\"to\":2}}," + SUCCEEDED_EVENT + "]}");
    }

    @Test
    void notFoundIsOneTextOnEveryTransport() {
        assertThat(ServerMessageEncoder.text(ServerMessage.Error.notFound(JOB))).isEqualTo(NOT_FOUND);
    }

    @Test
    void snapshotOfAJob() {
        assertThat(ServerMessageEncoder.text(ServerMessage.Snapshot.of(aQueuedJob())))
                .isEqualTo(SNAPSHOT);
    }

    @Test
    void replayedEventIsEncodedLikeAPublishedOne() {
        assertThat(ServerMessageEncoder.text(ServerMessage.Event.of(aProgressEvent())))
                .isEqualTo(PROGRESS_EVENT);
    }

    @Test
    void pollAnswerListsTheMessages() {
        String text = ServerMessageEncoder.pollAnswer(List.of(
                ServerMessage.Snapshot.of(aQueuedJob()),
                new ServerMessage.Event(PROGRESS_EVENT),
                ServerMessage.Error.notFound(JOB)));

        assertThat(text).isEqualTo("{\"messages\":[" + SNAPSHOT + "," + PROGRESS_EVENT + "," + NOT_FOUND + "]}");
    }

    @Test
    void emptyPollAnswer() {
        assertThat(ServerMessageEncoder.pollAnswer(List.of())).isEqualTo("{\"messages\":[]}");
    }

    @Test
    void eventLogNamesTheJobItsLatestSeqAndTheEvents() {
        assertThat(JobJson.eventLog(new JobId(JOB), 4, List.of(aProgressEvent(), aSucceededEvent())))
                .isEqualTo("{\"job\":\"" + JOB + "\",\"seq\":4,\"events\":[" + PROGRESS_EVENT + "," + SUCCEEDED_EVENT
                        + "]}");
    }

    @Test
    void emptyEventLog() {
        assertThat(JobJson.eventLog(new JobId(JOB), 7, List.of()))
                .isEqualTo("{\"job\":\"" + JOB + "\",\"seq\":7,\"events\":[]}");
    }

    @Test
    void sseEventOfASingleJobStreamIsIdentifiedByItsSeq() {
        assertThat(SseMessage.event(aProgressEvent(), PROGRESS_EVENT, SseMessage.Ids.SEQ))
                .isEqualTo(new SseMessage(Optional.of("3"), PROGRESS_EVENT));
    }

    @Test
    void sseEventOfAMultiJobStreamIsIdentifiedByJobAndSeq() {
        assertThat(SseMessage.event(aProgressEvent(), PROGRESS_EVENT, SseMessage.Ids.JOB_AND_SEQ))
                .isEqualTo(new SseMessage(Optional.of(JOB + ":3"), PROGRESS_EVENT));
    }

    @Test
    void sseSnapshotIsIdentifiedByTheJobsSeq() {
        assertThat(SseMessage.snapshot(aQueuedJob(), SseMessage.Ids.JOB_AND_SEQ))
                .isEqualTo(new SseMessage(Optional.of(JOB + ":1"), SNAPSHOT));
    }

    @Test
    void sseSubscribedAndErrorHaveNoId() {
        assertThat(SseMessage.of(ServerMessage.Error.notFound(JOB)))
                .isEqualTo(new SseMessage(Optional.empty(), NOT_FOUND));
    }

    @Test
    void problemOfTheHandshake() {
        assertThat(ProblemDetails.of(403, "Forbidden", "This origin may not open a JobPulse WebSocket.")
                        .json())
                .isEqualTo("{\"type\":\"about:blank\",\"title\":\"Forbidden\",\"status\":403,"
                        + "\"detail\":\"This origin may not open a JobPulse WebSocket.\"}");
        assertThat(ProblemDetails.of(
                                503,
                                "Service Unavailable",
                                "This node holds its maximum of 2 WebSocket connections"
                                        + " (jobpulse.ws.max-connections).")
                        .json())
                .isEqualTo(
                        "{\"type\":\"about:blank\",\"title\":\"Service Unavailable\",\"status\":503,"
                                + "\"detail\":\"This node holds its maximum of 2 WebSocket connections (jobpulse.ws.max-connections).\"}");
    }

    @Test
    void problemWithATypeAndExtraMembers() {
        ProblemDetails problem = new ProblemDetails(
                "urn:jobpulse:problem:json-limit",
                "JSON Limit Exceeded",
                400,
                "Too deep.",
                Json.createObjectBuilder().add("rule", "max-depth").build());

        assertThat(problem.json())
                .isEqualTo("{\"type\":\"urn:jobpulse:problem:json-limit\",\"title\":\"JSON Limit Exceeded\","
                        + "\"status\":400,\"detail\":\"Too deep.\",\"rule\":\"max-depth\"}");
    }
}
