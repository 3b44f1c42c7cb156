package io.jobpulse.inprocess;

import static io.jobpulse.inprocess.WebSocketProtocolTest.assertError;
import static io.jobpulse.inprocess.WebSocketProtocolTest.assertSubscribed;
import static org.assertj.core.api.Assertions.assertThat;

import io.jobpulse.execution.RetentionSweeper;
import io.jobpulse.metrics.Counter;
import io.jobpulse.metrics.NodeMetrics;
import jakarta.json.JsonObject;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * What a late watcher gets once the sweeper has been at a job (docs/protocol.md, "Retention"): after compaction a resume
 * whose events are gone answers a snapshot (WebSocket and long poll), one whose events are all kept still replays;
 * after retention the job answers like an unknown one.
 */
class RetentionInProcessTest {

    @Test
    void aResumeFromACompactedSinceGetsTheSnapshotAndOneAfterTheNewestProgressStillReplays() throws Exception {
        try (InProcessServer server = InProcessServer.start(Map.of("jobpulse.retention.compact-after", "1ms"))) {
            Rest rest = server.rest();
            JsonObject job = rest.steps(5, 10);
            String id = job.getString("id");
            int last = rest.awaitEnd(id).getInt("seq");
            // QUEUED 1, RUNNING 2, progress 3..last-1, SUCCEEDED last
            assertThat(last).isGreaterThan(5);

            RetentionSweeper.Sweep sweep = server.bean(RetentionSweeper.class).sweepNow();

            assertThat(sweep.eventsCompacted()).isEqualTo(last - 4);
            assertThat(server.bean(NodeMetrics.class).get(Counter.RETENTION_EVENTS_COMPACTED))
                    .isEqualTo(last - 4);
            assertThat(JsonText.parse(rest.get("jobs/" + id + "/events").body())
                            .getJsonArray("events")
                            .getValuesAs(JsonObject.class))
                    .extracting(e -> e.getJsonNumber("seq").longValue())
                    .containsExactly(1L, 2L, (long) last - 1, (long) last);
            try (WsClient ws = WsClient.v1(server)) {
                ws.subscribe(job, 3);
                assertSubscribed(ws.next(), job, false);
                JsonObject snapshot = ws.next();
                assertThat(snapshot.getString("type")).isEqualTo("snapshot");
                assertThat(snapshot.getJsonObject("job").getInt("seq")).isEqualTo(last);
                assertThat(snapshot.getJsonObject("job").getString("state")).isEqualTo("SUCCEEDED");

                ws.subscribe(job, last - 2);
                assertSubscribed(ws.next(), job, true);
                List<JsonObject> replay = ws.messagesUntil(id, "SUCCEEDED");
                assertThat(replay)
                        .extracting(e -> e.getJsonNumber("seq").longValue())
                        .containsExactly((long) last - 1, (long) last);
            }
            JsonObject polled =
                    JsonText.parse(rest.get("poll?watch=" + watch(job, 3)).body());
            List<JsonObject> messages = polled.getJsonArray("messages").getValuesAs(JsonObject.class);
            assertThat(messages).hasSize(1);
            assertThat(messages.get(0).getString("type")).isEqualTo("snapshot");
            assertThat(messages.get(0).getJsonObject("job").getInt("seq")).isEqualTo(last);
        }
    }

    @Test
    void aJobPastRetentionAnswersLikeAnUnknownJob() throws Exception {
        try (InProcessServer server = InProcessServer.start(Map.of("jobpulse.retention", "1ms"))) {
            Rest rest = server.rest();
            JsonObject job = rest.steps(2, 10);
            String id = job.getString("id");
            int last = rest.awaitEnd(id).getInt("seq");

            RetentionSweeper.Sweep sweep = server.bean(RetentionSweeper.class).sweepNow();

            assertThat(sweep.jobsDeleted()).isEqualTo(1);
            assertThat(sweep.eventsDeleted()).isEqualTo(last);
            assertThat(server.bean(NodeMetrics.class).get(Counter.RETENTION_JOBS_DELETED))
                    .isEqualTo(1);
            assertThat(rest.get("jobs/" + id).statusCode()).isEqualTo(404);
            assertThat(rest.get("jobs/" + id + "/events").statusCode()).isEqualTo(404);
            try (WsClient ws = WsClient.v1(server)) {
                ws.subscribe(job, 0);
                assertError(ws.next(), id, "not_found");
            }
            JsonObject polled =
                    JsonText.parse(rest.get("poll?watch=" + watch(job, 0)).body());
            JsonObject error = polled.getJsonArray("messages").getJsonObject(0);
            assertThat(error.getString("type")).isEqualTo("error");
            assertThat(error.getString("code")).isEqualTo("not_found");
        }
    }

    private static String watch(JsonObject job, long since) {
        return URLEncoder.encode(
                job.getString("id") + ":" + job.getString("watchToken") + ":" + since, StandardCharsets.UTF_8);
    }
}
