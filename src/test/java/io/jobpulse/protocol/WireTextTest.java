package io.jobpulse.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import io.jobpulse.job.EventKind;
import io.jobpulse.job.Job;
import io.jobpulse.job.JobError;
import io.jobpulse.job.JobEvent;
import io.jobpulse.job.JobId;
import io.jobpulse.job.Progress;
import jakarta.json.JsonValue;
import java.time.Instant;
import java.util.List;
import java.util.Map;
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
            + "\"error\":null,\"cancelRequested\":false}}";
    static final String NOT_FOUND = "{\"type\":\"error\",\"job\":\"" + JOB + "\",\"code\":\"not_found\","
            + "\"message\":\"no such job, or the token does not grant it\"}";

    static Job aQueuedJob() {
        return Job.submit(new JobId(JOB), "steps", "nightly", "alice", Map.of("steps", 3L),
                Instant.parse("2025-01-01T10:00:00Z"));
    }

    static Job aRunningJob() {
        return aQueuedJob().start(Instant.parse("2025-01-01T10:00:05Z"))
                .report(new Progress(1, 4, "one of four")).orElseThrow();
    }

    static JobEvent aProgressEvent() {
        return aRunningJob().event(EventKind.PROGRESS, Instant.parse("2025-01-01T10:01:00.123Z"));
    }

    static JobEvent aSucceededEvent() {
        return aRunningJob().succeed(Map.of("count", 7L), Instant.parse("2025-01-01T10:01:00Z"))
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
        JobEvent failed = aRunningJob().fail(new JobError("handler_error", "boom \"x\""),
                Instant.parse("2025-01-01T10:01:00Z")).event(EventKind.STATE, Instant.parse("2025-01-01T10:01:00.500Z"));
        String head = "{\"type\":\"event\",\"job\":\"" + JOB + "\",\"seq\":4,\"kind\":\"state\",\"state\":\"FAILED\","
                + "\"progress\":{\"done\":1,\"total\":4,\"percent\":25,\"message\":\"one of four\"},"
                + "\"at\":\"2025-01-01T10:01:00.500Z\",\"error\":";
        // the error's two members come from a Map.of, whose order is fixed per JVM run but not across runs
        assertThat(JobJson.eventText(failed)).isIn(
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
        assertThat(ServerMessageEncoder.text(new ServerMessage.Error(JOB, ErrorCode.NOT_FOUND,
                "no such job, or the token does not grant it"))).isEqualTo(NOT_FOUND);
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
        String text = ServerMessageEncoder.text(new ServerMessage.Batch(List.of(
                new ServerMessage.Subscribed(JOB, false), new ServerMessage.Event(PROGRESS_EVENT))));

        assertThat(text).isEqualTo("{\"type\":\"batch\",\"messages\":[{\"type\":\"subscribed\",\"job\":\"" + JOB
                + "\",\"resumed\":false}," + PROGRESS_EVENT + "]}");
    }
}
