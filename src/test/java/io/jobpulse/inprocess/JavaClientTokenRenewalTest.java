package io.jobpulse.inprocess;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jobpulse.client.ExternalJob;
import io.jobpulse.client.JobEvent;
import io.jobpulse.client.JobPulseClient;
import io.jobpulse.client.JobPulseException;
import io.jobpulse.client.JobView;
import io.jobpulse.client.Watch;
import io.jobpulse.job.JobId;
import io.jobpulse.security.WatchTokens;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The Java client's watch outlives its watch token ({@code jobpulse.token-ttl}, 3 s here, 24 h by default;
 * a token is valid until a whole second, so for 2-3 s): when the
 * server refuses on a reconnect the token it accepted before, the client reads a fresh one with its API key and goes
 * on from where it was; one it may not read fails the watch with the refusal.
 */
@Timeout(60)
class JavaClientTokenRenewalTest {

    private static final Duration WAIT = JavaClientTest.WAIT;

    private static InProcessServer server;

    @BeforeAll
    static void start() throws Exception {
        server = InProcessServer.start(Map.of(
                "jobpulse.api-keys", "alice:alice-secret-key-0123,bob:bob-secret-key-0123",
                "jobpulse.token-ttl", "3s"));
    }

    @AfterAll
    static void stop() throws Exception {
        if (server != null) {
            server.close();
        }
    }

    @Test
    void aWatchWhoseTokenExpiredGetsAFreshOneOnItsReconnectAndGoesOnWithNoGapAndNoRepeat() throws Exception {
        try (JobPulseClient alice = client("alice-secret-key-0123");
                ExternalJob job = alice.external("external", Map.of())) {
            JavaClientTest.Recorder recorder = new JavaClientTest.Recorder();
            JobView view = alice.get(job.jobId());
            try (Watch watch = alice.watch(view, 0, recorder)) {
                job.progress(1, 3, "one");
                recorder.awaitSeq(3);
                awaitExpired(view);

                dropTheConnection(recorder);
                job.progress(2, 3, "two");
                job.succeed(Map.of("rows", 3));

                JobEvent end = watch.awaitEnd(WAIT);
                assertThat(end.seq()).isEqualTo(5);
            }
            assertThat(recorder.seqs()).containsExactly(1L, 2L, 3L, 4L, 5L);
            assertThat(recorder.events)
                    .extracting(e -> e.progress().message())
                    .containsExactly("", "", "one", "two", "two");
            assertThat(recorder.snapshots).isEmpty();
            assertThat(recorder.failures).isEmpty();
        }
    }

    @Test
    void aWatchWhoseTokenExpiredFailsWithTheRefusalWhenItsClientMayNotReadTheJob() throws Exception {
        try (JobPulseClient alice = client("alice-secret-key-0123");
                JobPulseClient bob = client("bob-secret-key-0123");
                ExternalJob job = alice.external("external", Map.of())) {
            JavaClientTest.Recorder recorder = new JavaClientTest.Recorder();
            // bob was handed alice's view: its token lets him watch, his API key does not let him read the job
            JobView view = alice.get(job.jobId());
            try (Watch watch = bob.watch(view, 0, recorder)) {
                recorder.awaitSeq(1);
                awaitExpired(view);

                dropTheConnection(recorder);

                assertThatThrownBy(() -> watch.awaitEnd(WAIT)).isInstanceOfSatisfying(JobPulseException.class, e -> {
                    assertThat(e.status()).as("the WebSocket's refusal").isEqualTo(404);
                    assertThat(e.getCause())
                            .as("the renewal's failure")
                            .isInstanceOfSatisfying(
                                    JobPulseException.class,
                                    c -> assertThat(c.status()).isEqualTo(404));
                });
            }
            assertThat(recorder.seqs()).containsExactly(1L);
            assertThat(recorder.failures).hasSize(1);
            job.succeed(Map.of());
        }
    }

    private static JobPulseClient client(String apiKey) {
        return JobPulseClient.builder(server.api("").resolve(".."))
                .apiKey(apiKey)
                .webSocketUri(server.webSocket())
                .requestTimeout(WAIT)
                .reconnectDelays(Duration.ofMillis(50), Duration.ofMillis(400))
                .build();
    }

    /** Until the server no longer accepts the view's watch token (on the server's clock, 2-3 s after). */
    private static void awaitExpired(JobView view) throws Exception {
        JobId id = JobId.parse(view.id()).orElseThrow();
        String token = view.watchToken().orElseThrow();
        Await.until(() -> server.bean(WatchTokens.class).grants(token, id), granted -> !granted, WAIT, "token expired");
    }

    /** The client sent nothing for longer than the idle timeout (2 s on the server's ticker): the server closes, 4000. */
    private static void dropTheConnection(JavaClientTest.Recorder recorder) throws InterruptedException {
        server.ticker().advance(Duration.ofMillis(2500));
        assertThat(recorder.reconnects.poll(WAIT.toSeconds(), TimeUnit.SECONDS)).isEqualTo(4000);
    }
}
