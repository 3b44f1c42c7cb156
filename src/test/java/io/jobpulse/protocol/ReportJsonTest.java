package io.jobpulse.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

import io.jobpulse.job.Job;
import io.jobpulse.job.JobError;
import io.jobpulse.job.JobId;
import io.jobpulse.job.Progress;
import io.jobpulse.job.Report;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import java.io.StringReader;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ReportJsonTest {

    private static final Instant T0 = Instant.parse("2025-01-01T10:00:00Z");

    private static JsonObject json(String text) {
        return Json.createReader(new StringReader(text)).readObject();
    }

    private static Report parse(String text) {
        return ReportJson.parse(json(text));
    }

    @Test
    void anEmptyObjectIsAHeartbeatWithoutAnId() {
        assertThat(parse("{}")).isEqualTo(new Report(OptionalLong.empty(), new Report.Heartbeat()));
        assertThat(parse("{\"id\":7}")).isEqualTo(new Report(OptionalLong.of(7), new Report.Heartbeat()));
    }

    @Test
    void progressHasDoneAndOptionallyTotalAndMessage() {
        assertThat(parse("{\"id\":2,\"progress\":{\"done\":3,\"total\":10,\"message\":\"three\"}}"))
                .isEqualTo(new Report(OptionalLong.of(2), new Report.ProgressMade(new Progress(3, 10, "three"))));
        assertThat(parse("{\"progress\":{\"done\":3}}").content())
                .isEqualTo(new Report.ProgressMade(new Progress(3, 0, "")));
    }

    @Test
    void aLongProgressMessageIsTruncatedAsAHandlersIs() {
        Report report = parse("{\"progress\":{\"done\":1,\"message\":\"" + "x".repeat(600) + "\"}}");

        assertThat(((Report.ProgressMade) report.content()).progress().message())
                .hasSize(Progress.MAX_MESSAGE_LENGTH);
    }

    @Test
    void aResultIsAnyObject() {
        assertThat(parse("{\"result\":{\"rows\":7,\"file\":\"a.csv\",\"parts\":[1,2]}}")
                        .content())
                .isEqualTo(new Report.Succeeded(Map.of("rows", 7L, "file", "a.csv", "parts", List.of(1L, 2L))));
    }

    @Test
    void anErrorHasAKindAndAMessage() {
        assertThat(parse("{\"error\":{\"kind\":\"export_failed\",\"message\":\"disk full\"}}")
                        .content())
                .isEqualTo(new Report.Failed(new JobError("export_failed", "disk full")));
        assertThat(parse("{\"error\":{\"kind\":\"export_failed\"}}").content())
                .isEqualTo(new Report.Failed(new JobError("export_failed", "")));
    }

    @Test
    void aResultOverTheResultLimitIsTooLargeAndOneAtTheLimitIsNot() {
        String filler = "x".repeat(Job.MAX_RESULT_CHARS - "{\"a\":\"\"}".length());

        assertThat(parse("{\"result\":{\"a\":\"" + filler + "\"}}").content()).isInstanceOf(Report.Succeeded.class);
        assertThatExceptionOfType(InvalidReportException.class)
                .isThrownBy(() -> parse("{\"result\":{\"a\":\"" + filler + "x\"}}"))
                .satisfies(e -> assertThat(e.resultTooLarge()).isTrue())
                .withMessageContaining(Job.MAX_RESULT_CHARS + " are allowed");
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "{\"progress\":{\"done\":1},\"result\":{}}",
                "{\"result\":{},\"error\":{\"kind\":\"x\"}}",
                "{\"status\":\"ok\"}",
                "{\"id\":0}",
                "{\"id\":-3}",
                "{\"id\":1.5}",
                "{\"id\":\"7\"}",
                "{\"id\":null}",
                "{\"id\":92233720368547758070}",
                "{\"progress\":5}",
                "{\"progress\":{}}",
                "{\"progress\":{\"done\":-1}}",
                "{\"progress\":{\"done\":\"1\"}}",
                "{\"progress\":{\"done\":5,\"total\":3}}",
                "{\"progress\":{\"done\":1,\"total\":-1}}",
                "{\"progress\":{\"done\":1,\"message\":7}}",
                "{\"progress\":{\"done\":1,\"percent\":10}}",
                "{\"result\":[1,2]}",
                "{\"result\":null}",
                "{\"error\":{}}",
                "{\"error\":{\"kind\":\"\"}}",
                "{\"error\":{\"kind\":\"has space\"}}",
                "{\"error\":{\"kind\":7}}",
                "{\"error\":{\"kind\":\"x\",\"stack\":\"...\"}}",
                "{\"error\":{\"kind\":\"worker_lost\"}}",
                "{\"error\":{\"kind\":\"timeout\",\"message\":\"mine\"}}"
            })
    void anythingElseIsAnInvalidReportThatSaysWhy(String body) {
        assertThatExceptionOfType(InvalidReportException.class)
                .isThrownBy(() -> parse(body))
                .satisfies(e -> assertThat(e.resultTooLarge()).isFalse())
                .satisfies(e -> assertThat(e.getMessage()).isNotBlank().endsWith("."));
    }

    @Test
    void aReservedKindIsRefusedNamingTheReservedOnes() {
        assertThatExceptionOfType(InvalidReportException.class)
                .isThrownBy(() -> parse("{\"error\":{\"kind\":\"interrupted\"}}"))
                .withMessage("error.kind 'interrupted' is reserved by JobPulse; reserved: handler_error, interrupted, "
                        + "timeout, unknown_type, worker_lost.");
    }

    @Test
    void theAnswerSaysStateSeqAndWhetherToStop() {
        Job queued = Job.submitExternal(new JobId("AAAAAAAAAAAAAAAAAAAAAA"), "external", "", "alice", Map.of(), T0);
        Job running = queued.reported(new Report.Heartbeat(), T0).get(0);

        assertThat(ReportJson.answer(running))
                .isEqualTo("{\"job\":\"AAAAAAAAAAAAAAAAAAAAAA\",\"state\":\"RUNNING\",\"seq\":2,\"cancel\":false}");
        assertThat(ReportJson.answer(running.cancel(T0)))
                .isEqualTo("{\"job\":\"AAAAAAAAAAAAAAAAAAAAAA\",\"state\":\"CANCELLED\",\"seq\":3,\"cancel\":true}");
        assertThat(ReportJson.cancelled(running.fail(new JobError("x", ""), T0)))
                .isFalse();
    }

    @Test
    void theOwnerViewOfASubmittedExternalJobCarriesItsReportToken() {
        Job queued = Job.submitExternal(new JobId("AAAAAAAAAAAAAAAAAAAAAA"), "external", "", "alice", Map.of(), T0);
        JsonObject links = Json.createObjectBuilder().add("report", "r").build();

        JsonObject view = JobJson.ownerView(queued, "w", java.util.Optional.of("r1.x"), links);

        assertThat(view.getBoolean("external")).isTrue();
        assertThat(view.getString("watchToken")).isEqualTo("w");
        assertThat(view.getString("reportToken")).isEqualTo("r1.x");
        assertThat(view.getJsonObject("links")).isEqualTo(links);
        assertThat(JobJson.ownerView(queued, "w", java.util.Optional.empty(), links))
                .doesNotContainKey("reportToken");
    }
}
