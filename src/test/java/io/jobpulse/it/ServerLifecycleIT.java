package io.jobpulse.it;

import static org.assertj.core.api.Assertions.assertThat;

import jakarta.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * What happens around a server's life: restarts keep every job; a graceful stop closes watchers with 1001, re-queues
 * the running jobs of a retry-safe type and records the others as interrupted; after a crash a retry-safe job runs
 * again to its end, which a watcher resuming with {@code since} sees in order, and a job not safe to re-run ends
 * interrupted; a job that overruns its type's timeout ends FAILED {@code timeout}; idle connections are closed and
 * pings keep them open. Starts its own server four times on one database: the server of the failsafe execution
 * ({@link ServerProcess}: Payara Micro, Tomcat or WildFly, with the WAR Maven built for it). {@code steps} is
 * retry-safe as shipped; {@code prime-count} is made not to be by {@code jobpulse.jobs.prime-count.max-attempts=1}.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ServerLifecycleIT {

    private static final Duration JOB_WAIT = Duration.ofSeconds(60);
    private static final String LONG_PRIME_COUNT = "{\"type\":\"prime-count\",\"params\":{\"limit\":10000000000}}";

    private static Path workDir;
    private static List<String> settings;
    private static String finishedJob;
    private static String gracefullyStoppedJob;
    private static String gracefullyRequeuedJob;

    @BeforeAll
    static void directories() throws Exception {
        workDir = Files.createDirectories(Path.of("target", "lifecycle-it", ServerProcess.kind()))
                .toAbsolutePath();
        Path dataDir = Files.createTempDirectory(workDir, "data-");
        settings = List.of(
                "-Djobpulse.data-dir=" + dataDir,
                "-Djobpulse.api-keys=alice:" + ApiClient.ALICE,
                "-Djobpulse.token-secret=lifecycle-test-secret-0123456789",
                "-Djobpulse.node-id=lifecycle-node",
                "-Djobpulse.ws.idle-timeout=3s",
                "-Djobpulse.shutdown-grace=5s",
                "-Djobpulse.jobs.prime-count.max-attempts=1");
    }

    @Test
    @Order(1)
    void gracefulStopClosesWatchersWith1001AndRequeuesOrInterruptsTheRunningJobs() throws Exception {
        try (ServerProcess server = ServerProcess.start(workDir, settings)) {
            ApiClient alice = new ApiClient(server.base(), ApiClient.ALICE);
            finishedJob = alice.submit("{\"type\":\"steps\",\"params\":{\"count\":3,\"intervalMs\":10}}")
                    .getString("id");
            alice.awaitJob(finishedJob, j -> j.getString("state").equals("SUCCEEDED"), JOB_WAIT);

            JsonObject running = alice.submit(LONG_PRIME_COUNT);
            gracefullyStoppedJob = running.getString("id");
            gracefullyRequeuedJob = alice.submit("{\"type\":\"steps\",\"params\":{\"count\":40,\"intervalMs\":100}}")
                    .getString("id");
            alice.awaitJob(
                    gracefullyStoppedJob,
                    j -> j.getJsonObject("progress").getJsonNumber("done").longValue() > 0,
                    JOB_WAIT);
            alice.awaitJob(
                    gracefullyRequeuedJob, j -> j.getJsonObject("progress").getInt("done") >= 2, JOB_WAIT);
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
    void restartKeepsEveryJobAndAfterACrashRetrySafeJobsRunAgainAndOthersEndInterrupted() throws Exception {
        String retried;
        String interrupted;
        long lastSeqBeforeCrash;
        try (ServerProcess server = ServerProcess.start(workDir, settings)) {
            ApiClient alice = new ApiClient(server.base(), ApiClient.ALICE);
            JsonObject finished = alice.job(finishedJob);
            assertThat(finished.getString("state")).isEqualTo("SUCCEEDED");
            assertThat(finished.getJsonObject("result").getInt("steps")).isEqualTo(3);

            JsonObject stopped = alice.job(gracefullyStoppedJob);
            assertThat(stopped.getString("state")).isEqualTo("FAILED");
            assertThat(stopped.getJsonObject("error").getString("kind")).isEqualTo("interrupted");
            List<JsonObject> events = events(alice, gracefullyStoppedJob);
            assertThat(events.get(events.size() - 1).getString("state")).isEqualTo("FAILED");
            assertThat(events.get(events.size() - 1).getInt("seq")).isEqualTo(stopped.getInt("seq"));

            JsonObject requeued = alice.awaitJob(
                    gracefullyRequeuedJob, j -> j.getString("state").equals("SUCCEEDED"), JOB_WAIT);
            assertThat(requeued.getJsonObject("result").getInt("steps")).isEqualTo(40);
            assertThat(stateEvents(events(alice, gracefullyRequeuedJob)))
                    .containsExactly(
                            "QUEUED",
                            "RUNNING",
                            "QUEUED re-queued after interruption (the server stopped while the job ran), attempt 2 of 3",
                            "RUNNING",
                            "SUCCEEDED");

            JsonObject retrySafe = alice.submit("{\"type\":\"steps\",\"params\":{\"count\":50,\"intervalMs\":100}}");
            retried = retrySafe.getString("id");
            interrupted = alice.submit(LONG_PRIME_COUNT).getString("id");
            try (WsClient watcher = WsClient.connect(alice.wsUri())) {
                watcher.subscribe(retried, retrySafe.getString("watchToken"));
                lastSeqBeforeCrash = lastSeqOnceDone(watcher, retried, 2);
                alice.awaitJob(
                        interrupted,
                        j -> j.getJsonObject("progress").getJsonNumber("done").longValue() > 0,
                        JOB_WAIT);
                server.kill();
            }
        }
        try (ServerProcess server = ServerProcess.start(workDir, settings)) {
            ApiClient alice = new ApiClient(server.base(), ApiClient.ALICE);
            JsonObject crashed =
                    alice.awaitJob(interrupted, j -> !j.getString("state").equals("RUNNING"), JOB_WAIT);
            assertThat(crashed.getString("state")).isEqualTo("FAILED");
            assertThat(crashed.getJsonObject("error").getString("kind")).isEqualTo("interrupted");
            assertThat(crashed.getJsonObject("progress").getJsonNumber("done").longValue())
                    .isPositive();

            try (WsClient watcher = WsClient.connect(alice.wsUri())) {
                watcher.subscribe(retried, alice.job(retried).getString("watchToken"), lastSeqBeforeCrash);
                JsonObject subscribed = watcher.next();
                assertThat(subscribed.getString("type")).isEqualTo("subscribed");
                assertThat(subscribed.getBoolean("resumed")).isTrue();
                List<JsonObject> resumed = untilTerminal(watcher, alice, retried);
                assertThat(resumed)
                        .allSatisfy(m -> assertThat(m.getString("type")).isEqualTo("event"));
                assertNoSilentGap(resumed, lastSeqBeforeCrash);
                assertThat(stateEvents(resumed))
                        .containsExactly(
                                "QUEUED re-queued after interruption (the node running the job stopped), attempt 2 of 3",
                                "RUNNING",
                                "SUCCEEDED");
                assertThat(resumed.get(resumed.size() - 1)
                                .getJsonObject("result")
                                .getInt("steps"))
                        .isEqualTo(50);
            }
            assertThat(alice.job(retried).getString("state")).isEqualTo("SUCCEEDED");
            assertThat(Json.parse(alice.get("api/jobs?state=RUNNING").body()).getJsonArray("jobs"))
                    .isEmpty();

            idleConnectionIsClosedAndPingsKeepItOpen(alice);
        }
    }

    @Test
    @Order(3)
    void aJobThatOverrunsItsTypesTimeoutEndsFailedTimeoutAndFreesItsSlot() throws Exception {
        List<String> withTimeout = Stream.concat(
                        settings.stream(),
                        Stream.of("-Djobpulse.jobs.steps.timeout=3s", "-Djobpulse.max-running-jobs=1"))
                .toList();
        try (ServerProcess server = ServerProcess.start(workDir, withTimeout)) {
            ApiClient alice = new ApiClient(server.base(), ApiClient.ALICE);
            JsonObject slow = alice.submit("{\"type\":\"steps\",\"params\":{\"count\":600,\"intervalMs\":100}}");
            String waiting = alice.submit("{\"type\":\"steps\",\"params\":{\"count\":3,\"intervalMs\":10}}")
                    .getString("id");
            try (WsClient watcher = WsClient.connect(alice.wsUri())) {
                watcher.subscribe(slow.getString("id"), slow.getString("watchToken"));
                List<JsonObject> messages = untilTerminal(watcher, alice, slow.getString("id"));
                JsonObject terminal = messages.get(messages.size() - 1);
                assertThat(terminal.getString("type")).isEqualTo("event");
                assertThat(terminal.getString("state")).isEqualTo("FAILED");
                assertThat(terminal.getJsonObject("error").getString("kind")).isEqualTo("timeout");
                assertThat(terminal.getJsonObject("error").getString("message")).contains("PT3S");
            }
            JsonObject timedOut = alice.job(slow.getString("id"));
            Duration ran = Duration.between(
                    Instant.parse(timedOut.getString("startedAt")), Instant.parse(timedOut.getString("finishedAt")));
            assertThat(ran)
                    .as("ended by the 3 s timeout, not by its 60 s of steps")
                    .isBetween(Duration.ofSeconds(3), Duration.ofSeconds(20));
            JsonObject next = alice.awaitJob(waiting, j -> j.getString("state").equals("SUCCEEDED"), JOB_WAIT);
            assertThat(next.getJsonObject("result").getInt("steps")).isEqualTo(3);
            JsonObject node = Json.parse(alice.get("api/node").body());
            assertThat(node.getJsonObject("counters")
                            .getJsonNumber("jobs-timed-out")
                            .longValue())
                    .isEqualTo(1);
            assertThat(server.log()).contains("ran longer than its timeout of PT3S");
        }
    }

    /** Each event's seq follows the one before, or the range its {@code skipped} says was coalesced away. */
    private static void assertNoSilentGap(List<JsonObject> events, long since) {
        long expected = since + 1;
        for (JsonObject e : events) {
            if (e.containsKey("skipped")) {
                assertThat(e.getJsonObject("skipped").getJsonNumber("from").longValue())
                        .isEqualTo(expected);
                expected = e.getJsonObject("skipped").getJsonNumber("to").longValue() + 1;
            }
            assertThat(e.getJsonNumber("seq").longValue())
                    .as("seq after since=%d: %s", since, events)
                    .isEqualTo(expected);
            expected++;
        }
    }

    /** Reads the watcher's messages until an event of {@code job} reports at least {@code done}; its seq. */
    private static long lastSeqOnceDone(WsClient watcher, String job, int done) throws InterruptedException {
        while (true) {
            JsonObject message = watcher.next();
            if ("event".equals(message.getString("type"))
                    && job.equals(message.getString("job"))
                    && message.getJsonObject("progress").getInt("done") >= done) {
                return message.getJsonNumber("seq").longValue();
            }
        }
    }

    /**
     * The watcher's messages up to the end of {@code job}, pinging every second as a live client does (these servers
     * close a silent connection after 3 s); pongs are left out. When the end does not come, says what came and
     * where the job is.
     */
    private static List<JsonObject> untilTerminal(WsClient watcher, ApiClient alice, String job) throws Exception {
        List<JsonObject> messages = new ArrayList<>();
        long deadline = System.nanoTime() + WsClient.WAIT.toNanos();
        int pings = 0;
        long nextPing = System.nanoTime();
        while (System.nanoTime() < deadline) {
            if (System.nanoTime() >= nextPing) {
                watcher.send("{\"type\":\"ping\",\"id\":" + (++pings) + "}");
                nextPing = System.nanoTime() + Duration.ofSeconds(1).toNanos();
            }
            JsonObject message = watcher.poll(Duration.ofMillis(200));
            if (message != null && !"pong".equals(message.getString("type"))) {
                messages.add(message);
                if (WsClient.isTerminalEventOf(message, job)) {
                    return messages;
                }
                deadline = System.nanoTime() + WsClient.WAIT.toNanos();
            }
        }
        throw new AssertionError("the watcher did not see the end of job " + job + " within " + WsClient.WAIT
                + " of its last message; it got " + messages + "; the job now: " + alice.job(job)
                + "; its events: " + events(alice, job));
    }

    private static List<JsonObject> events(ApiClient alice, String job) {
        return Json.parse(alice.get("api/jobs/" + job + "/events").body())
                .getJsonArray("events")
                .getValuesAs(JsonObject.class);
    }

    /** The STATE events, as their state plus, for a re-queue, its progress message. */
    private static List<String> stateEvents(List<JsonObject> events) {
        List<String> states = new ArrayList<>();
        for (JsonObject e : events) {
            if ("state".equals(e.getString("kind"))) {
                String message = e.getJsonObject("progress").getString("message");
                states.add(e.getString("state")
                        + (e.getString("state").equals("QUEUED") && !message.isEmpty() ? " " + message : ""));
            }
        }
        return states;
    }

    private static void idleConnectionIsClosedAndPingsKeepItOpen(ApiClient alice) throws Exception {
        try (WsClient pinging = WsClient.connect(alice.wsUri());
                WsClient idle = WsClient.connect(alice.wsUri())) {
            // ping every second until the server closes the idle one: the pinging one lived as long, and stays open
            int[] id = {0};
            Await.until(
                    "the idle connection closed by the 3 s idle timeout",
                    Duration.ofSeconds(10),
                    Duration.ofSeconds(1),
                    () -> {
                        pinging.send("{\"type\":\"ping\",\"id\":" + (++id[0]) + "}");
                        assertThat(pinging.next().getInt("id")).isEqualTo(id[0]);
                        return !idle.isOpen();
                    });
            assertThat(idle.awaitClose()).as("closed by the 3 s idle timeout").isEqualTo(4000);
            assertThat(pinging.isOpen()).isTrue();
        }
    }
}
