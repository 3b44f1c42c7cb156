package io.jobpulse.execution;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jobpulse.api.InvalidParametersException;
import io.jobpulse.inprocess.Await;
import io.jobpulse.inprocess.InProcessServer;
import io.jobpulse.job.EventKind;
import io.jobpulse.job.Job;
import io.jobpulse.job.JobEvent;
import io.jobpulse.job.JobId;
import io.jobpulse.job.JobState;
import io.jobpulse.store.JdbcJobStore;
import io.jobpulse.store.SubmitOutcome;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The REST use cases on JobPulse's real beans (Weld SE, embedded H2): one job runs at a time, so a second job waits
 * QUEUED behind a long-running first one when a test needs it.
 */
@Timeout(60)
class JobServiceTest {

    private static InProcessServer server;
    private static JobService jobs;
    private static JdbcJobStore store;

    @BeforeAll
    static void start() throws Exception {
        server = InProcessServer.start(Map.of("jobpulse.max-running-jobs", "1"));
        jobs = server.bean(JobService.class);
        store = server.bean(JdbcJobStore.class);
    }

    @AfterAll
    static void stop() throws Exception {
        server.close();
    }

    @Test
    void submitStoresTheJobQueuedWithItsFirstEventAndRunsIt() throws Exception {
        Job job = submit("alice", Map.of("count", 2L, "intervalMs", 0L), Optional.empty())
                .job();

        assertThat(job.state()).isEqualTo(JobState.QUEUED);
        assertThat(job.owner()).isEqualTo("alice");
        Job ended = awaitEnd(job.id());
        assertThat(ended.state()).isEqualTo(JobState.SUCCEEDED);
        List<JobEvent> events = store.eventsAfter(job.id(), 0, Long.MAX_VALUE, 100);
        assertThat(events)
                .extracting(JobEvent::seq)
                .isEqualTo(java.util.stream.LongStream.rangeClosed(1, ended.seq())
                        .boxed()
                        .toList());
        assertThat(events.get(0).state()).isEqualTo(JobState.QUEUED);
        assertThat(events.get(1).state()).isEqualTo(JobState.RUNNING);
        assertThat(events.get(events.size() - 1).kind()).isEqualTo(EventKind.STATE);
        assertThat(events.get(events.size() - 1).result()).isEqualTo(Map.of("steps", 2L));
    }

    @Test
    void theSameIdempotencyKeyAndRequestAnswersTheEarlierJobAndAnotherRequestConflicts() throws Exception {
        Optional<String> key = Optional.of("key-" + JobId.random().value());
        SubmitOutcome first = submit("alice", Map.of("count", 1L, "intervalMs", 0L), key);
        SubmitOutcome again = submit("alice", Map.of("intervalMs", 0L, "count", 1L), key);
        SubmitOutcome other = submit("alice", Map.of("count", 2L, "intervalMs", 0L), key);

        assertThat(first).isInstanceOf(SubmitOutcome.Created.class);
        assertThat(again).isInstanceOf(SubmitOutcome.Replayed.class);
        assertThat(again.job().id()).isEqualTo(first.job().id());
        assertThat(other).isInstanceOf(SubmitOutcome.KeyConflict.class);
        assertThat(other.job().id()).isEqualTo(first.job().id());
    }

    @Test
    void anUnknownTypeOrInvalidParametersAreRefusedAndNothingIsStored() {
        assertThatThrownBy(() -> jobs.submit("alice", "no-such-type", "x", Map.of(), Optional.empty()))
                .isInstanceOf(UnknownJobTypeException.class);
        assertThatThrownBy(() -> jobs.submit("alice", "steps", "x", Map.of("count", 0L), Optional.empty()))
                .isInstanceOf(InvalidParametersException.class)
                .satisfies(e -> assertThat(((InvalidParametersException) e).violations())
                        .extracting(InvalidParametersException.Violation::parameter)
                        .containsExactly("count"));
    }

    @Test
    void anotherOwnersJobIsAsAbsentAsAnUnknownOne() throws Exception {
        Job job = submit("alice", Map.of("count", 1L, "intervalMs", 0L), Optional.empty())
                .job();

        assertThat(jobs.find("alice", job.id())).isPresent();
        assertThat(jobs.find("bob", job.id())).isEmpty();
        assertThat(jobs.cancel("bob", job.id())).isEmpty();
        assertThat(jobs.find("alice", JobId.random())).isEmpty();
    }

    @Test
    void cancelEndsAQueuedJobAtOnceStopsARunningOneAndIsIdempotent() throws Exception {
        Job running = submit("alice", Map.of("count", 1000L, "intervalMs", 50L), Optional.empty())
                .job();
        awaitState(running.id(), JobState.RUNNING);
        Job queued = submit("alice", Map.of("count", 1L, "intervalMs", 0L), Optional.empty())
                .job();

        CancelOutcome queuedCancel = jobs.cancel("alice", queued.id()).orElseThrow();
        assertThat(queuedCancel).isInstanceOf(CancelOutcome.Accepted.class);
        assertThat(queuedCancel.job().state()).isEqualTo(JobState.CANCELLED);
        assertThat(jobs.cancel("alice", queued.id()).orElseThrow()).isInstanceOf(CancelOutcome.Accepted.class);

        CancelOutcome runningCancel = jobs.cancel("alice", running.id()).orElseThrow();
        assertThat(runningCancel).isInstanceOf(CancelOutcome.Accepted.class);
        assertThat(runningCancel.job().cancelRequested()).isTrue();
        assertThat(awaitEnd(running.id()).state()).isEqualTo(JobState.CANCELLED);
        assertThat(store.eventsAfter(queued.id(), 0, Long.MAX_VALUE, 10))
                .extracting(JobEvent::state)
                .containsExactly(JobState.QUEUED, JobState.CANCELLED);
    }

    @Test
    void cancellingAFinishedJobSaysItFinishedAndChangesNothing() throws Exception {
        Job job = submit("alice", Map.of("count", 1L, "intervalMs", 0L), Optional.empty())
                .job();
        Job ended = awaitEnd(job.id());

        CancelOutcome outcome = jobs.cancel("alice", job.id()).orElseThrow();

        assertThat(outcome).isInstanceOf(CancelOutcome.AlreadyFinished.class);
        assertThat(outcome.job()).isEqualTo(ended);
        assertThat(store.find(job.id()).orElseThrow()).isEqualTo(ended);
    }

    private static SubmitOutcome submit(String owner, Map<String, Object> params, Optional<String> key)
            throws Exception {
        return jobs.submit(owner, "steps", "a test", params, key);
    }

    private static Job awaitEnd(JobId id) throws Exception {
        return Await.until(() -> store.find(id).orElseThrow(), j -> j.state().isTerminal(), "job " + id + " ends");
    }

    private static void awaitState(JobId id, JobState state) throws Exception {
        Await.until(() -> store.find(id).orElseThrow(), j -> j.state() == state, "job " + id + " is " + state);
    }
}
