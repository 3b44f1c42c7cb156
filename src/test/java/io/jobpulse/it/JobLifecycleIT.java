package io.jobpulse.it;

import static org.assertj.core.api.Assertions.assertThat;

import jakarta.json.JsonObject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** Submit over REST, run as an EJB task, watch over WebSocket: the whole life of jobs, end to end. */
class JobLifecycleIT extends DeployedWar {

    @ContainerIndependent // job lifecycle order
    @Test
    void watcherSeesEveryEventInOrderFromQueuedToSucceeded() throws Exception {
        JsonObject job = alice.submit("{\"type\":\"steps\",\"params\":{\"count\":5,\"intervalMs\":200}}");
        String id = job.getString("id");
        try (WsClient client = WsClient.connect(ws)) {
            assertThat(client.subprotocol()).isEqualTo("jobpulse.v1");
            client.subscribe(id, job.getString("watchToken"), 0);

            JsonObject subscribed = client.next();
            assertThat(subscribed.getString("type")).isEqualTo("subscribed");
            assertThat(subscribed.getString("job")).isEqualTo(id);
            assertThat(subscribed.getBoolean("resumed")).isTrue();

            List<JsonObject> events = client.untilTerminal(id);
            assertThat(events).allSatisfy(e -> assertThat(e.getString("type")).isEqualTo("event"));
            assertThat(seqs(events)).containsExactly(1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L, 9L);
            assertThat(events.stream().map(e -> e.getString("state")).toList())
                    .containsExactly(
                            "QUEUED",
                            "RUNNING",
                            "RUNNING",
                            "RUNNING",
                            "RUNNING",
                            "RUNNING",
                            "RUNNING",
                            "RUNNING",
                            "SUCCEEDED");
            assertThat(events.stream()
                            .map(e -> e.getJsonObject("progress")
                                    .getJsonNumber("done")
                                    .longValue())
                            .toList())
                    .containsExactly(0L, 0L, 0L, 1L, 2L, 3L, 4L, 5L, 5L);
            JsonObject last = events.get(events.size() - 1);
            assertThat(last.getJsonObject("result").getInt("steps")).isEqualTo(5);
            assertThat(last.getJsonObject("progress").getInt("percent")).isEqualTo(100);
            assertThat(client.poll(Duration.ofMillis(500)))
                    .as("nothing after the terminal event")
                    .isNull();
        }
        JsonObject stored = alice.job(id);
        assertThat(stored.getString("state")).isEqualTo("SUCCEEDED");
        assertThat(stored.getInt("seq")).isEqualTo(9);
        assertThat(stored.getString("finishedAt")).isNotBlank();
    }

    @ContainerIndependent // job lifecycle order
    @Test
    void jobThatFailsAtAStepEndsFailedWithTheErrorAfterItsLastProgress() throws Exception {
        JsonObject job = alice.submit("{\"type\":\"steps\",\"params\":{\"count\":5,\"intervalMs\":150,\"failAt\":3}}");
        String id = job.getString("id");
        try (WsClient client = WsClient.connect(ws)) {
            client.subscribe(id, job.getString("watchToken"), 0);
            assertThat(client.next().getString("type")).isEqualTo("subscribed");
            List<JsonObject> events = client.untilTerminal(id);
            assertContiguous(events, 1);
            JsonObject last = events.get(events.size() - 1);
            assertThat(last.getString("state")).isEqualTo("FAILED");
            assertThat(last.getJsonObject("error").getString("kind")).isEqualTo("step_failed");
            assertThat(last.getJsonObject("error").getString("message")).contains("step 3");
            assertThat(last.containsKey("result")).isFalse();
            assertThat(last.getJsonObject("progress").getInt("done")).isEqualTo(2);
        }
        assertThat(alice.job(id).getJsonObject("error").getString("kind")).isEqualTo("step_failed");
    }

    @ContainerIndependent // job lifecycle order
    @Test
    void cancellingARunningJobReachesTheHandlerAndEndsCancelled() throws Exception {
        JsonObject job = alice.submit("{\"type\":\"steps\",\"params\":{\"count\":1000,\"intervalMs\":100}}");
        String id = job.getString("id");
        try (WsClient client = WsClient.connect(ws)) {
            client.subscribe(id, job.getString("watchToken"));
            assertThat(client.next().getString("type")).isEqualTo("subscribed");
            JsonObject snapshot = client.next();
            assertThat(snapshot.getString("type")).isEqualTo("snapshot");
            long seq = snapshot.getJsonObject("job").getJsonNumber("seq").longValue();
            JsonObject event;
            do {
                event = client.next();
                assertThat(event.getJsonNumber("seq").longValue()).isEqualTo(++seq);
            } while (event.getJsonObject("progress").getInt("done") < 2);

            var cancel = alice.post("api/jobs/" + id + "/cancel", "");
            assertThat(cancel.statusCode()).isEqualTo(202);
            assertThat(Json.parse(cancel.body()).getBoolean("cancelRequested")).isTrue();

            List<JsonObject> rest = client.untilTerminal(id);
            assertContiguous(rest, seq + 1);
            JsonObject last = rest.get(rest.size() - 1);
            assertThat(last.getString("state")).isEqualTo("CANCELLED");
            assertThat(last.getJsonObject("progress").getInt("done")).isLessThan(1000);
        }
        JsonObject stored = alice.job(id);
        assertThat(stored.getString("state")).isEqualTo("CANCELLED");
        assertThat(alice.post("api/jobs/" + id + "/cancel", "").statusCode())
                .as("cancel is idempotent")
                .isEqualTo(202);
    }

    @ContainerIndependent // job lifecycle order
    @Test
    void queuedJobIsCancelledAtOnce() throws Exception {
        // fill every slot (max-running-jobs=4 in the test configuration) so the fifth job waits QUEUED
        List<String> blockers = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            blockers.add(alice.submit("{\"type\":\"steps\",\"params\":{\"count\":600,\"intervalMs\":100}}")
                    .getString("id"));
        }
        try {
            JsonObject queued = alice.submit("{\"type\":\"steps\",\"params\":{\"count\":3,\"intervalMs\":10}}");
            String id = queued.getString("id");
            for (String blocker : blockers) {
                alice.awaitJob(blocker, j -> j.getString("state").equals("RUNNING"), Duration.ofSeconds(20));
            }
            assertThat(alice.job(id).getString("state")).isEqualTo("QUEUED");
            var cancel = alice.post("api/jobs/" + id + "/cancel", "");
            assertThat(cancel.statusCode()).isEqualTo(202);
            assertThat(Json.parse(cancel.body()).getString("state")).isEqualTo("CANCELLED");
            var events =
                    Json.parse(alice.get("api/jobs/" + id + "/events").body()).getJsonArray("events");
            assertThat(events.getValuesAs(JsonObject.class).stream()
                            .map(e -> e.getString("state"))
                            .toList())
                    .containsExactly("QUEUED", "CANCELLED");
        } finally {
            for (String blocker : blockers) {
                alice.post("api/jobs/" + blocker + "/cancel", "");
            }
        }
        for (String blocker : blockers) {
            alice.awaitJob(blocker, j -> j.getString("state").equals("CANCELLED"), Duration.ofSeconds(20));
        }
    }

    @ContainerIndependent // job lifecycle order
    @Test
    void twoWatchersOfOneJobSeeTheSameEvents() throws Exception {
        JsonObject job = alice.submit("{\"type\":\"steps\",\"params\":{\"count\":6,\"intervalMs\":100}}");
        String id = job.getString("id");
        try (WsClient first = WsClient.connect(ws);
                WsClient second = WsClient.connect(ws)) {
            first.subscribe(id, job.getString("watchToken"), 0);
            second.subscribe(id, job.getString("watchToken"), 0);
            assertThat(first.next().getBoolean("resumed")).isTrue();
            assertThat(second.next().getBoolean("resumed")).isTrue();
            List<JsonObject> a = first.untilTerminal(id);
            List<JsonObject> b = second.untilTerminal(id);
            assertContiguous(a, 1);
            assertThat(b).isEqualTo(a);
            assertThat(a.get(a.size() - 1).getString("state")).isEqualTo("SUCCEEDED");
        }
    }

    @Test
    void oneConnectionWatchesManyJobs() throws Exception {
        List<JsonObject> jobs = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            jobs.add(alice.submit("{\"type\":\"steps\",\"params\":{\"count\":" + (3 + i) + ",\"intervalMs\":100}}"));
        }
        try (WsClient client = WsClient.connect(ws)) {
            for (JsonObject job : jobs) {
                client.subscribe(job.getString("id"), job.getString("watchToken"), 0);
            }
            List<JsonObject> messages = new ArrayList<>();
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (messages.stream()
                            .filter(m -> m.getString("type").equals("event")
                                    && m.getString("state").equals("SUCCEEDED"))
                            .count()
                    < 3) {
                assertThat(System.nanoTime()).as("all three jobs end in time").isLessThan(deadline);
                messages.add(client.next());
            }
            Map<String, List<JsonObject>> byJob = messages.stream()
                    .filter(m -> m.getString("type").equals("event"))
                    .collect(Collectors.groupingBy(m -> m.getString("job")));
            assertThat(byJob).hasSize(3);
            for (int i = 0; i < 3; i++) {
                List<JsonObject> events = byJob.get(jobs.get(i).getString("id"));
                assertContiguous(events, 1);
                JsonObject last = events.get(events.size() - 1);
                assertThat(last.getJsonObject("result").getInt("steps")).isEqualTo(3 + i);
            }
        }
    }

    @ContainerIndependent // job lifecycle order
    @Test
    void lateWatcherOfAFinishedJobGetsASnapshotOfItsEnd() throws Exception {
        JsonObject job = alice.submit("{\"type\":\"steps\",\"params\":{\"count\":2,\"intervalMs\":10}}");
        String id = job.getString("id");
        alice.awaitJob(id, j -> j.getString("state").equals("SUCCEEDED"), Duration.ofSeconds(20));
        try (WsClient client = WsClient.connect(ws)) {
            client.subscribe(id, job.getString("watchToken"));
            JsonObject subscribed = client.next();
            assertThat(subscribed.getString("type")).isEqualTo("subscribed");
            assertThat(subscribed.getBoolean("resumed")).isFalse();
            JsonObject snapshot = client.next();
            assertThat(snapshot.getString("type")).isEqualTo("snapshot");
            assertThat(snapshot.getJsonObject("job").getString("state")).isEqualTo("SUCCEEDED");
            assertThat(snapshot.getJsonObject("job").getJsonObject("result").getInt("steps"))
                    .isEqualTo(2);
            assertThat(client.poll(Duration.ofMillis(500))).isNull();
            // the subscription ended with the job, so the same connection may subscribe again
            client.subscribe(id, job.getString("watchToken"));
            assertThat(client.next().getString("type")).isEqualTo("subscribed");
        }
    }

    @ContainerIndependent // job lifecycle order
    @Test
    void resumeWithSinceAfterADisconnectMissesNothingAndRepeatsNothing() throws Exception {
        JsonObject job = alice.submit("{\"type\":\"steps\",\"params\":{\"count\":25,\"intervalMs\":100}}");
        String id = job.getString("id");
        String token = job.getString("watchToken");
        List<JsonObject> seen = new ArrayList<>();
        try (WsClient client = WsClient.connect(ws)) {
            client.subscribe(id, token, 0);
            assertThat(client.next().getString("type")).isEqualTo("subscribed");
            while (seen.isEmpty()
                    || seen.get(seen.size() - 1).getJsonNumber("seq").longValue() < 6) {
                seen.add(client.next());
            }
        }
        long lastSeen = seen.get(seen.size() - 1).getJsonNumber("seq").longValue();
        // the job goes on while nobody watches: wait until the server has stored events the client has not seen
        Await.until(
                "events stored while the client is away",
                Duration.ofSeconds(30),
                () -> alice.job(id).getInt("seq") >= lastSeen + 3);
        long storedWhileAway = alice.job(id).getInt("seq");
        try (WsClient client = WsClient.connect(ws)) {
            client.subscribe(id, token, lastSeen);
            JsonObject subscribed = client.next();
            assertThat(subscribed.getBoolean("resumed")).isTrue();
            List<JsonObject> resumed = client.untilTerminal(id);
            assertThat(seqs(resumed))
                    .as("the resume replays what was stored while the client was away")
                    .contains(storedWhileAway);
            seen.addAll(resumed);
        }
        assertContiguous(seen, 1);
        assertThat(seen.get(seen.size() - 1).getString("state")).isEqualTo("SUCCEEDED");
        assertThat(seen.get(seen.size() - 1).getJsonNumber("seq").longValue())
                .isEqualTo(alice.job(id).getInt("seq"));
    }

    private static List<Long> seqs(List<JsonObject> events) {
        return events.stream().map(e -> e.getJsonNumber("seq").longValue()).toList();
    }

    private static void assertContiguous(List<JsonObject> events, long first) {
        List<Long> expected = new ArrayList<>();
        for (long s = first; s < first + events.size(); s++) {
            expected.add(s);
        }
        assertThat(seqs(events)).as("seq without gap or repeat").isEqualTo(expected);
    }
}
