package io.jobpulse.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import io.jobpulse.job.EventKind;
import io.jobpulse.job.Job;
import io.jobpulse.job.JobError;
import io.jobpulse.job.JobEvent;
import io.jobpulse.job.JobId;
import io.jobpulse.job.JobState;
import io.jobpulse.job.Progress;
import io.jobpulse.json.JsonMaps;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import java.io.StringReader;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class JobJsonTest {

    private static final JobId ID = new JobId("AAAAAAAAAAAAAAAAAAAAAA");
    private static final Instant CREATED = Instant.parse("2025-01-01T10:00:00Z");
    private static final Instant STARTED = Instant.parse("2025-01-01T10:00:05Z");
    private static final Instant FINISHED = Instant.parse("2025-01-01T10:01:00Z");
    private static final Instant AT = Instant.parse("2025-01-01T10:01:00.123Z");
    private static final JobError BOOM = new JobError(JobError.HANDLER_ERROR, "boom");

    private static final String[] VIEW_FIELDS = {
        "id",
        "type",
        "name",
        "state",
        "seq",
        "progress",
        "params",
        "createdAt",
        "startedAt",
        "finishedAt",
        "result",
        "error",
        "cancelRequested",
        "node",
        "external",
        "lastReportAt"
    };

    private static Job aQueuedJob() {
        return Job.submit(ID, "steps", "nightly", "alice", Map.of("steps", 3L, "label", "x"), CREATED);
    }

    private static Job aRunningJob() {
        return aQueuedJob()
                .start(STARTED, "node-1")
                .report(new Progress(1, 4, "one of four"))
                .orElseThrow();
    }

    private static Job aJobIn(JobState state) {
        return switch (state) {
            case QUEUED -> aQueuedJob();
            case RUNNING -> aRunningJob();
            case SUCCEEDED -> aRunningJob().succeed(Map.of("count", 7L), FINISHED);
            case FAILED -> aRunningJob().fail(BOOM, FINISHED);
            case CANCELLED -> aRunningJob().cancel(FINISHED);
        };
    }

    // --- view ---

    @ParameterizedTest
    @EnumSource(JobState.class)
    void viewHasEveryFieldInEveryState(JobState state) {
        assertThat(JobJson.view(aJobIn(state))).containsOnlyKeys(VIEW_FIELDS);
    }

    @Test
    void viewOfAQueuedJobHasNullsForWhatHasNotHappened() {
        JsonObject view = JobJson.view(aQueuedJob());

        assertThat(view.getString("id")).isEqualTo(ID.value());
        assertThat(view.getString("type")).isEqualTo("steps");
        assertThat(view.getString("name")).isEqualTo("nightly");
        assertThat(view.getString("state")).isEqualTo("QUEUED");
        assertThat(view.getJsonNumber("seq").longValueExact()).isEqualTo(1);
        assertThat(view.getString("createdAt")).isEqualTo("2025-01-01T10:00:00Z");
        assertThat(view.get("startedAt")).isEqualTo(JsonValue.NULL);
        assertThat(view.get("finishedAt")).isEqualTo(JsonValue.NULL);
        assertThat(view.get("result")).isEqualTo(JsonValue.NULL);
        assertThat(view.get("error")).isEqualTo(JsonValue.NULL);
        assertThat(view.get("cancelRequested")).isEqualTo(JsonValue.FALSE);
        assertThat(view.getJsonObject("params"))
                .isEqualTo(Json.createObjectBuilder()
                        .add("steps", 3)
                        .add("label", "x")
                        .build());
    }

    @Test
    void viewDoesNotExposeTheOwner() {
        assertThat(JobJson.view(aQueuedJob())).doesNotContainKey("owner");
    }

    @Test
    void viewOfAJobWithoutNameHasEmptyName() {
        Job job = Job.submit(ID, "steps", null, "alice", null, CREATED);

        JsonObject view = JobJson.view(job);

        assertThat(view.getString("name")).isEmpty();
        assertThat(view.getJsonObject("params")).isEmpty();
    }

    @Test
    void viewOfASucceededJobHasTimesAndResult() {
        JsonObject view = JobJson.view(aJobIn(JobState.SUCCEEDED));

        assertThat(view.getString("state")).isEqualTo("SUCCEEDED");
        assertThat(view.getString("startedAt")).isEqualTo("2025-01-01T10:00:05Z");
        assertThat(view.getString("finishedAt")).isEqualTo("2025-01-01T10:01:00Z");
        assertThat(view.getJsonObject("result").getJsonNumber("count").longValueExact())
                .isEqualTo(7);
        assertThat(view.get("error")).isEqualTo(JsonValue.NULL);
    }

    @Test
    void viewOfAFailedJobHasErrorKindAndMessage() {
        JsonObject view = JobJson.view(aJobIn(JobState.FAILED));

        assertThat(view.getJsonObject("error")).containsOnlyKeys("kind", "message");
        assertThat(view.getJsonObject("error").getString("kind")).isEqualTo("handler_error");
        assertThat(view.getJsonObject("error").getString("message")).isEqualTo("boom");
        assertThat(view.get("result")).isEqualTo(JsonValue.NULL);
    }

    @Test
    void viewShowsACancelRequest() {
        assertThat(JobJson.view(aRunningJob().requestCancel()).get("cancelRequested"))
                .isEqualTo(JsonValue.TRUE);
    }

    // --- progress ---

    @Test
    void progressHasCountsPercentAndMessage() {
        JsonObject p = JobJson.progress(new Progress(1, 4, "one of four"));

        assertThat(p).containsOnlyKeys("done", "total", "percent", "message");
        assertThat(p.getJsonNumber("done").longValueExact()).isEqualTo(1);
        assertThat(p.getJsonNumber("total").longValueExact()).isEqualTo(4);
        assertThat(p.getInt("percent")).isEqualTo(25);
        assertThat(p.getString("message")).isEqualTo("one of four");
    }

    @Test
    void progressPercentIsNullWhenTotalIsZero() {
        JsonObject p = JobJson.progress(new Progress(5, 0, ""));

        assertThat(p).containsKey("percent");
        assertThat(p.isNull("percent")).isTrue();
        assertThat(p.getString("message")).isEmpty();
    }

    // --- event ---

    @Test
    void progressEventHasItsFieldsAndNoResultOrError() {
        JobEvent event = aRunningJob().event(EventKind.PROGRESS, AT);

        JsonObject json = JobJson.event(event);

        assertThat(json).containsOnlyKeys("type", "job", "seq", "kind", "state", "progress", "at");
        assertThat(json.getString("type")).isEqualTo("event");
        assertThat(json.getString("job")).isEqualTo(ID.value());
        assertThat(json.getJsonNumber("seq").longValueExact()).isEqualTo(3);
        assertThat(json.getString("kind")).isEqualTo("progress");
        assertThat(json.getString("state")).isEqualTo("RUNNING");
        assertThat(json.getJsonObject("progress").getInt("percent")).isEqualTo(25);
        assertThat(json.getString("at")).isEqualTo("2025-01-01T10:01:00.123Z");
    }

    @Test
    void stateEventKindIsLowerCase() {
        assertThat(JobJson.event(aQueuedJob().event(EventKind.STATE, AT)).getString("kind"))
                .isEqualTo("state");
    }

    @Test
    void succeededEventHasResultOnly() {
        JsonObject json = JobJson.event(aJobIn(JobState.SUCCEEDED).event(EventKind.STATE, AT));

        assertThat(json).containsKey("result").doesNotContainKey("error");
        assertThat(json.getJsonObject("result").getJsonNumber("count").longValueExact())
                .isEqualTo(7);
    }

    @Test
    void succeededEventWithoutResultHasEmptyResult() {
        JsonObject json = JobJson.event(aRunningJob().succeed(null, FINISHED).event(EventKind.STATE, AT));

        assertThat(json.getJsonObject("result")).isEmpty();
    }

    @Test
    void failedEventHasErrorOnly() {
        JsonObject json = JobJson.event(aJobIn(JobState.FAILED).event(EventKind.STATE, AT));

        assertThat(json).containsKey("error").doesNotContainKey("result");
        assertThat(json.getJsonObject("error").getString("kind")).isEqualTo("handler_error");
        assertThat(json.getJsonObject("error").getString("message")).isEqualTo("boom");
    }

    @ParameterizedTest
    @EnumSource(
            value = JobState.class,
            names = {"QUEUED", "RUNNING", "CANCELLED"})
    void otherEventsHaveNeitherResultNorError(JobState state) {
        JsonObject json = JobJson.event(aJobIn(state).event(EventKind.STATE, AT));

        assertThat(json).doesNotContainKeys("result", "error");
    }

    @Test
    void eventWithIndeterminateProgressHasNullPercent() {
        Job running = aQueuedJob()
                .start(STARTED, "node-1")
                .report(new Progress(3, 0, "counting"))
                .orElseThrow();

        JsonObject progress =
                JobJson.event(running.event(EventKind.PROGRESS, AT)).getJsonObject("progress");

        assertThat(progress.isNull("percent")).isTrue();
        assertThat(progress.getJsonNumber("done").longValueExact()).isEqualTo(3);
    }

    @Test
    void eventTextIsTheEventAsJson() {
        JobEvent event = aJobIn(JobState.SUCCEEDED).event(EventKind.STATE, AT);

        String text = JobJson.eventText(event);

        try (var reader = Json.createReader(new StringReader(text))) {
            assertThat(reader.readObject()).isEqualTo(JobJson.event(event));
        }
        assertThat(text).doesNotContain("\n");
    }

    @Test
    void eventTextIsWrittenExactlyAsTheEventObjectWouldBe() {
        List<JobEvent> events = List.of(
                aRunningJob().event(EventKind.PROGRESS, AT),
                aRunningJob()
                        .report(new Progress(3, 0, "no total"))
                        .orElseThrow()
                        .event(EventKind.PROGRESS, AT),
                aRunningJob()
                        .report(new Progress(1, 2, "lone \ud800 \"quoted\" \n line"))
                        .orElseThrow()
                        .event(EventKind.PROGRESS, AT),
                aJobIn(JobState.SUCCEEDED).event(EventKind.STATE, AT),
                aRunningJob()
                        .fail(new JobError("handler_error", "boom"), FINISHED)
                        .event(EventKind.STATE, AT),
                aRunningJob()
                        .succeed(Map.of("nested", Map.of("list", List.of(1L, "two"))), FINISHED)
                        .event(EventKind.STATE, AT));

        for (JobEvent event : events) {
            assertThat(JobJson.eventText(event)).isEqualTo(JsonMaps.write(JobJson.event(event)));
        }
        assertThat(JobJson.eventText(events.get(2))).contains("lone \ufffd");
    }

    @Test
    void nestedResultValuesKeepTheirShape() {
        Map<String, Object> result = Map.of("list", List.of(1L, "two", true), "map", Map.of("k", "v"));

        JsonObject json = JobJson.event(aRunningJob().succeed(result, FINISHED).event(EventKind.STATE, AT));

        assertThat(json.getJsonObject("result").getJsonArray("list")).hasSize(3);
        assertThat(json.getJsonObject("result").getJsonObject("map").getString("k"))
                .isEqualTo("v");
    }
}
