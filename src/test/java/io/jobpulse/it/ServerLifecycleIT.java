package io.jobpulse.it;

import static org.assertj.core.api.Assertions.assertThat;

import jakarta.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * What happens around a server's life: restarts keep every job, a graceful stop closes watchers with 1001 and
 * records running jobs as interrupted, a crash leaves nothing RUNNING after the next start, idle connections are
 * closed and pings keep them open. Starts its own server three times on one database: the server of the failsafe
 * execution ({@link ServerProcess}: Payara Micro, Tomcat or WildFly, with the WAR Maven built for it).
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ServerLifecycleIT {

    private static Path workDir;
    private static List<String> settings;
    private static String finishedJob;
    private static String gracefullyStoppedJob;
    private static String crashedJob;

    @BeforeAll
    static void directories() throws Exception {
        workDir = Files.createDirectories(Path.of("target", "lifecycle-it", ServerProcess.kind())).toAbsolutePath();
        Path dataDir = Files.createTempDirectory(workDir, "data-");
        settings = List.of("-Djobpulse.data-dir=" + dataDir, "-Djobpulse.api-keys=alice:" + ApiClient.ALICE,
                "-Djobpulse.token-secret=lifecycle-test-secret-0123456789", "-Djobpulse.node-id=lifecycle-node",
                "-Djobpulse.ws.idle-timeout=3s", "-Djobpulse.shutdown-grace=5s");
    }

    @Test
    @Order(1)
    void gracefulStopClosesWatchersWith1001AndRecordsTheRunningJobAsInterrupted() throws Exception {
        try (ServerProcess server = ServerProcess.start(workDir, settings)) {
            ApiClient alice = new ApiClient(server.base(), ApiClient.ALICE);
            finishedJob = alice.submit("{\"type\":\"steps\",\"params\":{\"count\":3,\"intervalMs\":10}}").getString("id");
            alice.awaitJob(finishedJob, j -> j.getString("state").equals("SUCCEEDED"), Duration.ofSeconds(30));

            JsonObject running = alice.submit("{\"type\":\"steps\",\"params\":{\"count\":10000,\"intervalMs\":100}}");
            gracefullyStoppedJob = running.getString("id");
            alice.awaitJob(gracefullyStoppedJob, j -> j.getJsonObject("progress").getInt("done") >= 2, Duration.ofSeconds(30));
            try (WsClient watcher = WsClient.connect(alice.wsUri())) {
                watcher.subscribe(gracefullyStoppedJob, running.getString("watchToken"));
                assertThat(watcher.next().getString("type")).isEqualTo("subscribed");
                server.stopGracefully();
                assertThat(watcher.awaitClose()).isEqualTo(1001);
            }
        }
    }

    @Test
    @Order(2)
    void restartKeepsEveryJobAndACrashLeavesNothingRunning() throws Exception {
        try (ServerProcess server = ServerProcess.start(workDir, settings)) {
            ApiClient alice = new ApiClient(server.base(), ApiClient.ALICE);
            JsonObject finished = alice.job(finishedJob);
            assertThat(finished.getString("state")).isEqualTo("SUCCEEDED");
            assertThat(finished.getJsonObject("result").getInt("steps")).isEqualTo(3);

            JsonObject stopped = alice.job(gracefullyStoppedJob);
            assertThat(stopped.getString("state")).isEqualTo("FAILED");
            assertThat(stopped.getJsonObject("error").getString("kind")).isEqualTo("interrupted");
            List<JsonObject> events = Json.parse(alice.get("api/jobs/" + gracefullyStoppedJob + "/events").body())
                    .getJsonArray("events").getValuesAs(JsonObject.class);
            assertThat(events.get(events.size() - 1).getString("state")).isEqualTo("FAILED");
            assertThat(events.get(events.size() - 1).getInt("seq")).isEqualTo(stopped.getInt("seq"));

            crashedJob = alice.submit("{\"type\":\"steps\",\"params\":{\"count\":10000,\"intervalMs\":100}}").getString("id");
            alice.awaitJob(crashedJob, j -> j.getJsonObject("progress").getInt("done") >= 2, Duration.ofSeconds(30));
            server.kill();
        }
        try (ServerProcess server = ServerProcess.start(workDir, settings)) {
            ApiClient alice = new ApiClient(server.base(), ApiClient.ALICE);
            JsonObject crashed = alice.awaitJob(crashedJob, j -> !j.getString("state").equals("RUNNING"), Duration.ofSeconds(30));
            assertThat(crashed.getString("state")).isEqualTo("FAILED");
            assertThat(crashed.getJsonObject("error").getString("kind")).isEqualTo("interrupted");
            assertThat(crashed.getJsonObject("progress").getInt("done")).isGreaterThanOrEqualTo(2);
            assertThat(Json.parse(alice.get("api/jobs?state=RUNNING").body()).getJsonArray("jobs")).isEmpty();

            idleConnectionIsClosedAndPingsKeepItOpen(alice);
        }
    }

    private static void idleConnectionIsClosedAndPingsKeepItOpen(ApiClient alice) throws Exception {
        try (WsClient pinging = WsClient.connect(alice.wsUri()); WsClient idle = WsClient.connect(alice.wsUri())) {
            long end = System.nanoTime() + Duration.ofSeconds(6).toNanos();
            int id = 0;
            while (System.nanoTime() < end) {
                pinging.send("{\"type\":\"ping\",\"id\":" + (++id) + "}");
                assertThat(pinging.next().getInt("id")).isEqualTo(id);
                Thread.sleep(1000);
            }
            assertThat(idle.awaitClose()).as("closed by the 3 s idle timeout").isEqualTo(4000);
            assertThat(pinging.isOpen()).isTrue();
        }
    }
}
