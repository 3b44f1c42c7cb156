package io.jobpulse.inprocess;

import static org.assertj.core.api.Assertions.assertThat;

import io.jobpulse.execution.JobService;
import io.jobpulse.job.JobId;
import io.jobpulse.security.WatchTokens;
import io.jobpulse.store.JdbcJobStore;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Two in-process servers in one JVM (the in-process cluster tests run two or three): each serves its REST and its
 * WebSocket from its own beans ({@link InProcessCdi}: with two Weld containers running, {@code CDI.current()} was the
 * first's, and the second server's REST and WebSocket endpoints served the first's beans).
 */
@Timeout(60)
class InProcessNodesTest {

    @Test
    void eachServersRestAndWebSocketServeItsOwnBeans() throws Exception {
        try (InProcessServer first = InProcessServer.start(Map.of("jobpulse.node-id", "first"));
                InProcessServer second = InProcessServer.start(Map.of("jobpulse.node-id", "second"))) {
            JsonObject onFirst = first.rest().submit("{\"type\":\"external\"}");
            JsonObject onSecond = second.rest().submit("{\"type\":\"external\"}");

            assertThat(stored(first, onFirst))
                    .as("first's job in first's store")
                    .isTrue();
            assertThat(stored(second, onSecond))
                    .as("second's job in second's store")
                    .isTrue();
            assertThat(stored(first, onSecond))
                    .as("second's job in first's store")
                    .isFalse();
            assertThat(stored(second, onFirst))
                    .as("first's job in second's store")
                    .isFalse();

            // a job only second's store has, whichever REST stored the ones above
            JobId onlyOnSecond = second.bean(JobService.class)
                    .submit("dev", "external", "second's own", Map.of(), Optional.empty())
                    .job()
                    .id();
            JsonObject job = Json.createObjectBuilder()
                    .add("id", onlyOnSecond.value())
                    .add("watchToken", second.bean(WatchTokens.class).issue(onlyOnSecond))
                    .build();
            try (WsClient watcher = WsClient.v1(second)) {
                watcher.subscribe(job, 0);
                assertThat(watcher.next().getString("type"))
                        .as("second's WebSocket knows second's job")
                        .isEqualTo("subscribed");
            }
        }
    }

    private static boolean stored(InProcessServer server, JsonObject job) {
        JobId id = JobId.parse(job.getString("id")).orElseThrow();
        return server.bean(JdbcJobStore.class).find(id).isPresent();
    }
}
