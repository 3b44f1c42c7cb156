package io.jobpulse.execution;

import static org.assertj.core.api.Assertions.assertThat;

import io.jobpulse.inprocess.Await;
import io.jobpulse.inprocess.InProcessServer;
import io.jobpulse.job.Job;
import io.jobpulse.job.JobError;
import io.jobpulse.job.JobEvent;
import io.jobpulse.job.JobId;
import io.jobpulse.job.JobState;
import io.jobpulse.store.JdbcJobStore;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The scheduler on JobPulse's real beans (Weld SE, embedded H2), each test on a node of its own. */
@Timeout(90)
class JobSchedulerTest {

    @TempDir
    Path dataDir;

    @Test
    void runsAtMostMaxRunningJobsAtOnceAndStartsTheQueuedOnesOldestFirstAsSlotsFree() throws Exception {
        try (InProcessServer node = node(Map.of("jobpulse.max-running-jobs", "2"))) {
            JobService jobs = node.bean(JobService.class);
            JobScheduler scheduler = node.bean(JobScheduler.class);
            List<JobId> ids = new java.util.ArrayList<>();
            for (int i = 0; i < 4; i++) {
                ids.add(jobs.submit(
                                "alice",
                                "steps",
                                "job " + i,
                                Map.of("count", 1000L, "intervalMs", 50L),
                                Optional.empty())
                        .job()
                        .id());
            }
            awaitState(node, ids.get(0), JobState.RUNNING);
            awaitState(node, ids.get(1), JobState.RUNNING);

            // the claim's commit makes a job RUNNING a moment before the scheduler counts its run
            Await.until(scheduler::runningCount, n -> n == 2, "two runs counted");
            assertThat(state(node, ids.get(2))).isEqualTo(JobState.QUEUED);
            assertThat(state(node, ids.get(3))).isEqualTo(JobState.QUEUED);
            assertThat(scheduler.runningCount()).isEqualTo(2);

            jobs.cancel("alice", ids.get(0));
            awaitState(node, ids.get(2), JobState.RUNNING);
            assertThat(state(node, ids.get(3)))
                    .as("the younger one still waits")
                    .isEqualTo(JobState.QUEUED);
            ids.forEach(id -> jobs.cancel("alice", id));
            for (JobId id : ids) {
                assertThat(awaitEnd(node, id).state()).isEqualTo(JobState.CANCELLED);
            }
        }
    }

    @Test
    void aRunLongerThanItsTypesTimeoutEndsFailedTimeoutAndFreesItsSlot() throws Exception {
        try (InProcessServer node =
                node(Map.of("jobpulse.max-running-jobs", "1", "jobpulse.jobs.steps.timeout", "500ms"))) {
            JobService jobs = node.bean(JobService.class);
            JobId slow = jobs.submit(
                            "alice", "steps", "slow", Map.of("count", 1000L, "intervalMs", 100L), Optional.empty())
                    .job()
                    .id();
            JobId next = jobs.submit("alice", "steps", "next", Map.of("count", 1L, "intervalMs", 0L), Optional.empty())
                    .job()
                    .id();

            Job timedOut = awaitEnd(node, slow);
            assertThat(timedOut.state()).isEqualTo(JobState.FAILED);
            assertThat(timedOut.error().kind()).isEqualTo(JobError.TIMEOUT);
            assertThat(awaitEnd(node, next).state())
                    .as("the freed slot runs the next job")
                    .isEqualTo(JobState.SUCCEEDED);
            assertContiguousEndingWith(node, slow, JobState.FAILED);
        }
    }

    @Test
    void aJobWhoseNodeStoppedRenewingItsLeaseIsRequeuedAndRunAgainHere() throws Exception {
        try (InProcessServer node = node(Map.of("jobpulse.max-running-jobs", "1", "jobpulse.lease", "3s"))) {
            JobService jobs = node.bean(JobService.class);
            JdbcJobStore store = node.bean(JdbcJobStore.class);
            JobId blocker = jobs.submit(
                            "alice",
                            "steps",
                            "keeps the slot",
                            Map.of("count", 1000L, "intervalMs", 50L),
                            Optional.empty())
                    .job()
                    .id();
            awaitState(node, blocker, JobState.RUNNING);
            // a job another node claimed, whose lease ran out: that node died
            Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);
            Job orphan =
                    Job.submit(JobId.random(), "steps", "orphan", "alice", Map.of("count", 1L, "intervalMs", 0L), now);
            store.submit(orphan, Optional.empty());
            assertThat(store.claimNext("dead-node", now, java.time.Duration.ofMillis(1))
                            .orElseThrow()
                            .job()
                            .id())
                    .isEqualTo(orphan.id());

            awaitState(node, orphan.id(), JobState.QUEUED);
            jobs.cancel("alice", blocker);

            Job rerun = awaitEnd(node, orphan.id());
            assertThat(rerun.state()).isEqualTo(JobState.SUCCEEDED);
            assertThat(rerun.attempt()).isEqualTo(2);
            assertContiguousEndingWith(node, orphan.id(), JobState.SUCCEEDED);
        }
    }

    @Test
    void stoppingTheNodeRequeuesARunningRetrySafeJobAndTheNextStartRunsIt() throws Exception {
        Map<String, String> sameNode = Map.of("jobpulse.data-dir", dataDir.toString(), "jobpulse.node-id", "node-s");
        JobId id;
        try (InProcessServer first = node(sameNode)) {
            id = first.bean(JobService.class)
                    .submit("alice", "steps", "interrupted", Map.of("count", 20L, "intervalMs", 50L), Optional.empty())
                    .job()
                    .id();
            awaitState(first, id, JobState.RUNNING);
        }
        try (InProcessServer second = node(sameNode)) {
            Job ended = awaitEnd(second, id);

            assertThat(ended.state()).isEqualTo(JobState.SUCCEEDED);
            assertThat(ended.attempt()).isEqualTo(2);
            List<JobEvent> events = second.bean(JdbcJobStore.class).eventsAfter(id, 0, Long.MAX_VALUE, 1000);
            assertThat(events)
                    .extracting(JobEvent::state)
                    .containsSubsequence(
                            JobState.QUEUED, JobState.RUNNING, JobState.QUEUED, JobState.RUNNING, JobState.SUCCEEDED);
            assertContiguousEndingWith(second, id, JobState.SUCCEEDED);
        }
    }

    private static InProcessServer node(Map<String, String> settings) throws Exception {
        return InProcessServer.start(settings);
    }

    private static JobState state(InProcessServer node, JobId id) {
        return node.bean(JdbcJobStore.class).find(id).orElseThrow().state();
    }

    private static void awaitState(InProcessServer node, JobId id, JobState state) throws Exception {
        Await.until(() -> state(node, id), s -> s == state, "job " + id + " is " + state);
    }

    private static Job awaitEnd(InProcessServer node, JobId id) throws Exception {
        JdbcJobStore store = node.bean(JdbcJobStore.class);
        return Await.until(() -> store.find(id).orElseThrow(), j -> j.state().isTerminal(), "job " + id + " ends");
    }

    /** Every stored event, seq 1, 2, 3, ... without a gap, the last one the job's end. */
    private static void assertContiguousEndingWith(InProcessServer node, JobId id, JobState end) {
        List<JobEvent> events = node.bean(JdbcJobStore.class).eventsAfter(id, 0, Long.MAX_VALUE, 1000);
        assertThat(events)
                .extracting(JobEvent::seq)
                .isEqualTo(java.util.stream.LongStream.rangeClosed(1, events.size())
                        .boxed()
                        .toList());
        assertThat(events.get(events.size() - 1).state()).isEqualTo(end);
    }
}
