package io.jobpulse.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.jobpulse.client.ExternalJob;
import io.jobpulse.client.JobEvent;
import io.jobpulse.client.JobPulseClient;
import io.jobpulse.client.JobState;
import io.jobpulse.client.JobView;
import io.jobpulse.client.Watch;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The Java client (docs/java-client.md) against each real server: its REST calls through the container's JAX-RS, its
 * watch over the container's WebSocket (subprotocol negotiation, frames, {@code batch}es on {@code jobpulse.v2}) at
 * the URL it derives from the base URI, and an external job's reports. Runs on every server; what the client does on
 * a dropped connection, on a lost answer or a cancel is tested in process ({@code JavaClientTest}).
 */
@Timeout(120)
class JavaClientIT extends DeployedWar {

    static final Duration WAIT = Duration.ofSeconds(60);

    JobPulseClient client;

    @BeforeEach
    void client() {
        client = JobPulseClient.builder(base).apiKey(ApiClient.ALICE).build();
    }

    @AfterEach
    void close() {
        client.close();
    }

    @Test
    void aStepsJobIsWatchedFromQueuedToSucceededInOrderWithoutAnUnannouncedGap() throws Exception {
        // 150 ms a step: under the default progress rate (10 a second), so the steps are not coalesced at the source
        JobView job = client.submit("steps", Map.of("count", 5, "intervalMs", 150));
        assertThat(job.state()).isEqualTo(JobState.QUEUED);
        List<JobEvent> events = new CopyOnWriteArrayList<>();
        JobEvent end;
        try (Watch watch = client.watch(job.id(), events::add)) {
            end = watch.awaitEnd(WAIT);
        }
        assertThat(end.state()).isEqualTo(JobState.SUCCEEDED);
        assertThat(end.result().orElseThrow().getInt("steps")).isEqualTo(5);
        assertInOrderWithoutAnUnannouncedGap(events);
        assertThat(events.get(0).state()).isEqualTo(JobState.QUEUED);
        assertThat(events.get(1).state()).isEqualTo(JobState.RUNNING);
        assertThat(events.get(events.size() - 1)).isEqualTo(end);
        assertThat(end.progress().done()).isEqualTo(5);
        assertThat(client.get(job.id()).state()).isEqualTo(JobState.SUCCEEDED);
    }

    @Test
    void aRunningJobCancelledThroughTheClientEndsCancelledForItsWatcher() throws Exception {
        JobView job = client.submit("steps", Map.of("count", 1000, "intervalMs", 100));
        List<JobEvent> events = new CopyOnWriteArrayList<>();
        try (Watch watch = client.watch(job.id(), events::add)) {
            Await.until("the job runs", WAIT, () -> events.stream().anyMatch(e -> e.state() == JobState.RUNNING));
            JobView asked = client.cancel(job.id());
            assertThat(asked.state() == JobState.CANCELLED || asked.cancelRequested())
                    .as("%s", asked)
                    .isTrue();
            JobEvent end = watch.awaitEnd(WAIT);
            assertThat(end.state()).isEqualTo(JobState.CANCELLED);
        }
        assertInOrderWithoutAnUnannouncedGap(events);
        assertThat(client.get(job.id()).state()).isEqualTo(JobState.CANCELLED);
    }

    @Test
    void anExternalJobReportedThroughTheClientSucceedsAndItsWatcherSeesItsReportsInOrder() throws Exception {
        List<JobEvent> events = new CopyOnWriteArrayList<>();
        String id;
        try (ExternalJob job = client.external("external", Map.of("month", "2026-11"))) {
            id = job.jobId();
            try (Watch watch = client.watch(id, events::add)) {
                for (int i = 1; i <= 3; i++) {
                    assertThat(job.progress(i, 3, "invoice " + i + " of 3").seq())
                            .isEqualTo(i + 2);
                }
                job.succeed(Map.of("exported", 3));
                assertThat(watch.awaitEnd(WAIT).result().orElseThrow().getInt("exported"))
                        .isEqualTo(3);
            }
        }
        assertInOrderWithoutAnUnannouncedGap(events);
        assertThat(events)
                .filteredOn(e -> e.kind() == JobEvent.Kind.STATE)
                .extracting(e -> e.seq() + " " + e.state())
                .containsExactly("1 QUEUED", "2 RUNNING", "6 SUCCEEDED");
        assertThat(events)
                .filteredOn(e -> e.kind() == JobEvent.Kind.PROGRESS)
                .extracting(e -> e.seq() + " " + e.progress().done())
                .isSubsetOf("3 1", "4 2", "5 3")
                .endsWith("5 3");
        assertThat(client.get(id).state()).isEqualTo(JobState.SUCCEEDED);
    }

    /**
     * The protocol's ordering rule (docs/protocol.md): from {@code seq} 1 on, each event follows the one before it or
     * announces, in {@code skipped}, exactly the progress-only events the server left out. A watcher that keeps up
     * usually gets every event; one whose previous event is still being sent when the next progress comes gets the
     * newer progress in its place, which the slower JVMs of a loaded machine do now and then.
     */
    private static void assertInOrderWithoutAnUnannouncedGap(List<JobEvent> events) {
        assertThat(events).as("events").isNotEmpty();
        long next = 1;
        for (JobEvent event : events) {
            long from = event.skipped().map(JobEvent.SkippedRange::from).orElse(event.seq());
            long to = event.skipped().map(JobEvent.SkippedRange::to).orElse(event.seq() - 1);
            assertThat(List.of(from, to))
                    .as("%s after seq %d: its skipped range, if any, is exactly the gap", event, next - 1)
                    .containsExactly(next, event.seq() - 1);
            if (event.skipped().isPresent()) {
                assertThat(event.kind())
                        .as("%s stands for skipped events", event)
                        .isEqualTo(JobEvent.Kind.PROGRESS);
            }
            next = event.seq() + 1;
        }
    }
}
