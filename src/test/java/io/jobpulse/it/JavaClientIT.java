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
import java.util.stream.LongStream;
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
    void aStepsJobIsWatchedFromQueuedToSucceededWithEveryEventOnceInOrder() throws Exception {
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
        assertThat(events)
                .extracting(JobEvent::seq)
                .containsExactlyElementsOf(
                        LongStream.rangeClosed(1, end.seq()).boxed().toList());
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
        assertThat(events)
                .extracting(JobEvent::seq)
                .containsExactlyElementsOf(
                        LongStream.rangeClosed(1, events.size()).boxed().toList());
        assertThat(client.get(job.id()).state()).isEqualTo(JobState.CANCELLED);
    }

    @Test
    void anExternalJobReportedThroughTheClientSucceedsAndItsWatcherSeesEveryReport() throws Exception {
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
        assertThat(events)
                .extracting(e -> e.seq() + " " + e.state() + " " + e.progress().done())
                .containsExactly(
                        "1 QUEUED 0", "2 RUNNING 0", "3 RUNNING 1", "4 RUNNING 2", "5 RUNNING 3", "6 SUCCEEDED 3");
        assertThat(client.get(id).state()).isEqualTo(JobState.SUCCEEDED);
    }
}
