package io.jobpulse.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatNullPointerException;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

class JobTest {

    private static final JobId ID = JobId.parse("AAAAAAAAAAAAAAAAAAAAAA").orElseThrow();
    private static final Instant CREATED = Instant.parse("2025-01-01T10:00:00Z");
    private static final Instant STARTED = Instant.parse("2025-01-01T10:00:05Z");
    private static final Instant FINISHED = Instant.parse("2025-01-01T10:01:00Z");
    private static final JobError BOOM = new JobError(JobError.HANDLER_ERROR, "boom");

    private static Job aQueuedJob() {
        return Job.submit(ID, "steps", "nightly", "alice", Map.of("steps", 3L), CREATED);
    }

    private static Job aRunningJob() {
        return aQueuedJob().start(STARTED, "node-1");
    }

    private static Job aSucceededJob() {
        return aRunningJob().succeed(Map.of("count", 7L), FINISHED);
    }

    private static Job aFailedJob() {
        return aRunningJob().fail(BOOM, FINISHED);
    }

    private static Job aCancelledJob() {
        return aRunningJob().cancel(FINISHED);
    }

    private static Job aJobIn(JobState state) {
        return switch (state) {
            case QUEUED -> aQueuedJob();
            case RUNNING -> aRunningJob();
            case SUCCEEDED -> aSucceededJob();
            case FAILED -> aFailedJob();
            case CANCELLED -> aCancelledJob();
        };
    }

    // --- submit ---

    @Test
    void submitGivesSequenceOneAndQueued() {
        Job job = aQueuedJob();

        assertThat(job.seq()).isEqualTo(1);
        assertThat(job.state()).isEqualTo(JobState.QUEUED);
        assertThat(job.id()).isEqualTo(ID);
        assertThat(job.type()).isEqualTo("steps");
        assertThat(job.name()).isEqualTo("nightly");
        assertThat(job.owner()).isEqualTo("alice");
        assertThat(job.params()).containsExactly(Map.entry("steps", 3L));
        assertThat(job.progress()).isEqualTo(Progress.none());
        assertThat(job.createdAt()).isEqualTo(CREATED);
        assertThat(job.startedAt()).isNull();
        assertThat(job.finishedAt()).isNull();
        assertThat(job.result()).isNull();
        assertThat(job.error()).isNull();
        assertThat(job.cancelRequested()).isFalse();
    }

    @Test
    void submitWithoutNameOrParamsGivesEmptyOnes() {
        Job job = Job.submit(ID, "steps", null, "alice", null, CREATED);

        assertThat(job.name()).isEmpty();
        assertThat(job.params()).isEmpty();
    }

    @Test
    void paramsAreCopiedAndCannotBeChangedAfterSubmit() {
        Map<String, Object> params = new HashMap<>(Map.of("steps", 3L));
        Job job = Job.submit(ID, "steps", "n", "alice", params, CREATED);

        params.put("steps", 99L);

        assertThat(job.params()).containsEntry("steps", 3L);
        assertThatThrownBy(() -> job.params().put("x", 1L)).isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> job.params().remove("steps")).isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> job.params().entrySet().iterator().next().setValue(99L))
                .isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> job.params().keySet().clear()).isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void versionsShareTheirParamsInsteadOfCopyingThemAtEveryReport() {
        Map<String, Object> params = new LinkedHashMap<>();
        params.put("b", 2L);
        params.put("a", List.of("x"));
        Job running = Job.submit(ID, "steps", "n", "alice", params, CREATED).start(STARTED, "node-1");

        Job reported = running.report(new Progress(1, 3, "one")).orElseThrow();

        assertThat(reported.params()).isSameAs(running.params()).isEqualTo(params);
        assertThat(reported.params().keySet()).containsExactly("b", "a");
        assertThat(reported.params()).hasSameHashCodeAs(params);
    }

    @Test
    void rejectsSequenceBelowOne() {
        assertThatThrownBy(() -> new Job(
                        ID,
                        "steps",
                        "n",
                        "alice",
                        JobState.QUEUED,
                        0,
                        Progress.none(),
                        Map.of(),
                        null,
                        null,
                        CREATED,
                        null,
                        null,
                        false,
                        0,
                        null,
                        false,
                        null))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void rejectsMissingId() {
        assertThatNullPointerException().isThrownBy(() -> Job.submit(null, "steps", "n", "alice", Map.of(), CREATED));
    }

    // --- each verb moves seq by exactly one ---

    static Stream<Arguments> verbs() {
        return Stream.of(
                Arguments.of(
                        "start",
                        JobState.QUEUED,
                        (Function<Job, Job>) j -> j.start(STARTED, "node-1"),
                        JobState.RUNNING),
                Arguments.of(
                        "cancel queued",
                        JobState.QUEUED,
                        (Function<Job, Job>) j -> j.cancel(FINISHED),
                        JobState.CANCELLED),
                Arguments.of(
                        "fail queued",
                        JobState.QUEUED,
                        (Function<Job, Job>) j -> j.fail(BOOM, FINISHED),
                        JobState.FAILED),
                Arguments.of(
                        "report",
                        JobState.RUNNING,
                        (Function<Job, Job>)
                                j -> j.report(new Progress(1, 3, "one")).orElseThrow(),
                        JobState.RUNNING),
                Arguments.of(
                        "succeed",
                        JobState.RUNNING,
                        (Function<Job, Job>) j -> j.succeed(Map.of(), FINISHED),
                        JobState.SUCCEEDED),
                Arguments.of(
                        "fail", JobState.RUNNING, (Function<Job, Job>) j -> j.fail(BOOM, FINISHED), JobState.FAILED),
                Arguments.of(
                        "cancel running",
                        JobState.RUNNING,
                        (Function<Job, Job>) j -> j.cancel(FINISHED),
                        JobState.CANCELLED));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("verbs")
    void eachVerbIncrementsSeqByExactlyOne(String verb, JobState from, Function<Job, Job> apply, JobState to) {
        Job before = aJobIn(from);

        Job after = apply.apply(before);

        assertThat(after.seq()).isEqualTo(before.seq() + 1);
        assertThat(after.state()).isEqualTo(to);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("verbs")
    void verbsLeaveTheOriginalVersionUntouched(String verb, JobState from, Function<Job, Job> apply, JobState to) {
        Job before = aJobIn(from);
        Job copy = aJobIn(from);

        Job unused = apply.apply(before); // the new version is other tests' business; the original must not change

        assertThat(before).isEqualTo(copy);
    }

    @Test
    void startRecordsStartTimeAndKeepsEverythingElse() {
        Job running = aQueuedJob().start(STARTED, "node-1");

        assertThat(running.state()).isEqualTo(JobState.RUNNING);
        assertThat(running.seq()).isEqualTo(2);
        assertThat(running.startedAt()).isEqualTo(STARTED);
        assertThat(running.finishedAt()).isNull();
        assertThat(running.createdAt()).isEqualTo(CREATED);
        assertThat(running.params()).isEqualTo(aQueuedJob().params());
        assertThat(running.result()).isNull();
        assertThat(running.error()).isNull();
    }

    @Test
    void succeedSetsResultAndFinishTimeAndKeepsStartTime() {
        Job done = aRunningJob().succeed(Map.of("count", 7L), FINISHED);

        assertThat(done.state()).isEqualTo(JobState.SUCCEEDED);
        assertThat(done.result()).containsExactly(Map.entry("count", 7L));
        assertThat(done.error()).isNull();
        assertThat(done.startedAt()).isEqualTo(STARTED);
        assertThat(done.finishedAt()).isEqualTo(FINISHED);
    }

    @Test
    void succeedWithoutResultGivesEmptyResult() {
        Job done = aRunningJob().succeed(null, FINISHED);

        assertThat(done.result()).isNotNull().isEmpty();
    }

    @Test
    void succeedKeepsTheLastProgress() {
        Job reported = aRunningJob().report(new Progress(3, 3, "all")).orElseThrow();

        assertThat(reported.succeed(Map.of(), FINISHED).progress()).isEqualTo(new Progress(3, 3, "all"));
    }

    @Test
    void failSetsErrorAndFinishTimeButNoResult() {
        Job failed = aRunningJob().fail(BOOM, FINISHED);

        assertThat(failed.state()).isEqualTo(JobState.FAILED);
        assertThat(failed.error()).isEqualTo(BOOM);
        assertThat(failed.result()).isNull();
        assertThat(failed.startedAt()).isEqualTo(STARTED);
        assertThat(failed.finishedAt()).isEqualTo(FINISHED);
    }

    @Test
    void failRequiresAnError() {
        assertThatNullPointerException().isThrownBy(() -> aRunningJob().fail(null, FINISHED));
    }

    @Test
    void cancellingAQueuedJobFinishesItWithoutStartTime() {
        Job cancelled = aQueuedJob().cancel(FINISHED);

        assertThat(cancelled.state()).isEqualTo(JobState.CANCELLED);
        assertThat(cancelled.startedAt()).isNull();
        assertThat(cancelled.finishedAt()).isEqualTo(FINISHED);
        assertThat(cancelled.result()).isNull();
        assertThat(cancelled.error()).isNull();
    }

    @Test
    void cancellingARunningJobKeepsStartTime() {
        Job cancelled = aRunningJob().cancel(FINISHED);

        assertThat(cancelled.startedAt()).isEqualTo(STARTED);
        assertThat(cancelled.finishedAt()).isEqualTo(FINISHED);
        assertThat(cancelled.result()).isNull();
        assertThat(cancelled.error()).isNull();
    }

    // --- attempts and interruption ---

    @Test
    void eachStartCountsAnAttempt() {
        assertThat(aQueuedJob().attempt()).isZero();
        assertThat(aRunningJob().attempt()).isEqualTo(1);
        assertThat(aRunningJob()
                        .interrupt("node stopped", 3, FINISHED)
                        .start(FINISHED, "node-1")
                        .attempt())
                .isEqualTo(2);
    }

    @Test
    void anInterruptedRunWithAttemptsLeftGoesBackToQueuedFromZero() {
        Job running = aRunningJob().report(new Progress(4, 10, "four")).orElseThrow();

        Job requeued = running.interrupt("the node running the job stopped", 3, FINISHED);

        assertThat(requeued.state()).isEqualTo(JobState.QUEUED);
        assertThat(requeued.seq()).isEqualTo(running.seq() + 1);
        assertThat(requeued.attempt()).isEqualTo(1);
        assertThat(requeued.progress())
                .isEqualTo(new Progress(
                        0, 10, "re-queued after interruption (the node running the job stopped), attempt 2 of 3"));
        assertThat(requeued.error()).isNull();
        assertThat(requeued.finishedAt()).isNull();
    }

    @Test
    void anInterruptedRunWithoutAttemptsLeftEndsFailedInterrupted() {
        Job third = aRunningJob()
                .interrupt("x", 3, FINISHED)
                .start(FINISHED, "node-1")
                .interrupt("x", 3, FINISHED)
                .start(FINISHED, "node-1");

        Job failed = third.interrupt("the node running the job stopped", 3, FINISHED);

        assertThat(third.attempt()).isEqualTo(3);
        assertThat(failed.state()).isEqualTo(JobState.FAILED);
        assertThat(failed.error()).isEqualTo(new JobError(JobError.INTERRUPTED, "the node running the job stopped"));
        assertThat(failed.finishedAt()).isEqualTo(FINISHED);
    }

    @Test
    void anInterruptedRunOfATypeNotSafeToRetryEndsFailedInterrupted() {
        assertThat(aRunningJob().interrupt("stopped", 1, FINISHED).error().kind())
                .isEqualTo(JobError.INTERRUPTED);
    }

    @Test
    void anInterruptedRunWhoseCancelWasAskedForEndsCancelled() {
        assertThat(aRunningJob()
                        .requestCancel()
                        .interrupt("stopped", 3, FINISHED)
                        .state())
                .isEqualTo(JobState.CANCELLED);
    }

    @ParameterizedTest
    @EnumSource(value = JobState.class, names = "RUNNING", mode = EnumSource.Mode.EXCLUDE)
    void onlyARunningJobCanBeInterrupted(JobState state) {
        assertThatExceptionOfType(IllegalJobStateChangeException.class)
                .isThrownBy(() -> aJobIn(state).interrupt("stopped", 3, FINISHED));
    }

    @Test
    void rejectsANegativeAttempt() {
        assertThatThrownBy(() -> new Job(
                        ID,
                        "steps",
                        "n",
                        "alice",
                        JobState.QUEUED,
                        1,
                        Progress.none(),
                        Map.of(),
                        null,
                        null,
                        CREATED,
                        null,
                        null,
                        false,
                        -1,
                        null,
                        false,
                        null))
                .isInstanceOf(IllegalArgumentException.class);
    }

    // --- illegal moves ---

    @Test
    void cannotMoveFromSucceededToRunning() {
        assertThatExceptionOfType(IllegalJobStateChangeException.class)
                .isThrownBy(() -> aSucceededJob().start(FINISHED, "node-1"))
                .withMessage("A job cannot move from SUCCEEDED to RUNNING")
                .satisfies(e -> {
                    assertThat(e.from()).isEqualTo(JobState.SUCCEEDED);
                    assertThat(e.to()).isEqualTo(JobState.RUNNING);
                });
    }

    @Test
    void cannotStartARunningJob() {
        assertThatExceptionOfType(IllegalJobStateChangeException.class)
                .isThrownBy(() -> aRunningJob().start(FINISHED, "node-1"))
                .withMessage("A job cannot move from RUNNING to RUNNING");
    }

    @Test
    void cannotSucceedAQueuedJob() {
        assertThatExceptionOfType(IllegalJobStateChangeException.class)
                .isThrownBy(() -> aQueuedJob().succeed(Map.of(), FINISHED))
                .withMessage("A job cannot move from QUEUED to SUCCEEDED");
    }

    @Test
    void aQueuedJobMayFailWithoutHavingRun() {
        Job failed = aQueuedJob().fail(new JobError(JobError.WORKER_LOST, "silent"), FINISHED);

        assertThat(failed.state()).isEqualTo(JobState.FAILED);
        assertThat(failed.startedAt()).isNull();
        assertThat(failed.finishedAt()).isEqualTo(FINISHED);
        assertThat(failed.attempt()).isZero();
    }

    @Test
    void cannotReportProgressOnAQueuedJob() {
        assertThatExceptionOfType(IllegalJobStateChangeException.class)
                .isThrownBy(() -> aQueuedJob().report(new Progress(1, 2, "")))
                .withMessage("A job cannot move from QUEUED to RUNNING");
    }

    static Stream<Arguments> verbsOnFinishedJobs() {
        Stream.Builder<Arguments> all = Stream.builder();
        for (JobState terminal : new JobState[] {JobState.SUCCEEDED, JobState.FAILED, JobState.CANCELLED}) {
            all.add(Arguments.of(
                    terminal, "start", (Function<Job, Object>) j -> j.start(FINISHED, "node-1"), JobState.RUNNING));
            all.add(Arguments.of(
                    terminal,
                    "report",
                    (Function<Job, Object>) j -> j.report(new Progress(1, 2, "")),
                    JobState.RUNNING));
            all.add(Arguments.of(
                    terminal,
                    "succeed",
                    (Function<Job, Object>) j -> j.succeed(Map.of(), FINISHED),
                    JobState.SUCCEEDED));
            all.add(Arguments.of(
                    terminal, "fail", (Function<Job, Object>) j -> j.fail(BOOM, FINISHED), JobState.FAILED));
            all.add(Arguments.of(
                    terminal, "cancel", (Function<Job, Object>) j -> j.cancel(FINISHED), JobState.CANCELLED));
        }
        return all.build();
    }

    @ParameterizedTest(name = "{1} on {0}")
    @MethodSource("verbsOnFinishedJobs")
    void aFinishedJobAcceptsNoFurtherChange(
            JobState terminal, String verb, Function<Job, Object> apply, JobState target) {
        Job finished = aJobIn(terminal);

        assertThatExceptionOfType(IllegalJobStateChangeException.class)
                .isThrownBy(() -> apply.apply(finished))
                .withMessage("A job cannot move from " + terminal + " to " + target)
                .satisfies(e -> {
                    assertThat(e.from()).isEqualTo(terminal);
                    assertThat(e.to()).isEqualTo(target);
                });
    }

    @Test
    void illegalStateChangeIsAnIllegalStateException() {
        assertThat(new IllegalJobStateChangeException(JobState.FAILED, JobState.QUEUED))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("A job cannot move from FAILED to QUEUED");
    }

    // --- report ---

    @Test
    void reportOfIdenticalProgressReturnsEmpty() {
        Job reported = aRunningJob().report(new Progress(1, 3, "one")).orElseThrow();

        assertThat(reported.report(new Progress(1, 3, "one"))).isEmpty();
    }

    @Test
    void reportOfNoProgressOnAFreshRunningJobReturnsEmpty() {
        assertThat(aRunningJob().report(Progress.none())).isEmpty();
    }

    @Test
    void reportOfNewProgressStoresItAndKeepsState() {
        Job running = aRunningJob();

        Optional<Job> next = running.report(new Progress(2, 3, "two"));

        assertThat(next).get().satisfies(j -> {
            assertThat(j.progress()).isEqualTo(new Progress(2, 3, "two"));
            assertThat(j.state()).isEqualTo(JobState.RUNNING);
            assertThat(j.seq()).isEqualTo(running.seq() + 1);
            assertThat(j.startedAt()).isEqualTo(STARTED);
        });
    }

    @Test
    void aNewMessageAloneIsAChange() {
        Job reported = aRunningJob().report(new Progress(1, 3, "one")).orElseThrow();

        assertThat(reported.report(new Progress(1, 3, "still one"))).isPresent();
    }

    // --- requestCancel ---

    @Test
    void requestCancelDoesNotChangeSeq() {
        Job running = aRunningJob();

        Job asked = running.requestCancel();

        assertThat(asked.seq()).isEqualTo(running.seq());
        assertThat(asked.state()).isEqualTo(JobState.RUNNING);
        assertThat(asked.cancelRequested()).isTrue();
        assertThat(running.cancelRequested()).isFalse();
    }

    @Test
    void cancelRequestIsKeptThroughTheFollowingChanges() {
        Job asked = aRunningJob().requestCancel();

        Job reported = asked.report(new Progress(1, 2, "")).orElseThrow();
        Job cancelled = reported.cancel(FINISHED);

        assertThat(reported.cancelRequested()).isTrue();
        assertThat(cancelled.cancelRequested()).isTrue();
        assertThat(cancelled.seq()).isEqualTo(asked.seq() + 2);
    }

    // --- event ---

    @Test
    void eventIsASnapshotOfThisVersion() {
        Job running = aRunningJob().report(new Progress(2, 4, "half")).orElseThrow();
        Instant at = Instant.parse("2025-01-01T10:00:30Z");

        JobEvent event = running.event(EventKind.PROGRESS, at);

        assertThat(event.jobId()).isEqualTo(ID);
        assertThat(event.seq()).isEqualTo(running.seq());
        assertThat(event.kind()).isEqualTo(EventKind.PROGRESS);
        assertThat(event.state()).isEqualTo(JobState.RUNNING);
        assertThat(event.progress()).isEqualTo(new Progress(2, 4, "half"));
        assertThat(event.at()).isEqualTo(at);
        assertThat(event.result()).isNull();
        assertThat(event.error()).isNull();
        assertThat(event.isTerminal()).isFalse();
    }

    @Test
    void eventOfSucceededJobCarriesResult() {
        JobEvent event = aSucceededJob().event(EventKind.STATE, FINISHED);

        assertThat(event.state()).isEqualTo(JobState.SUCCEEDED);
        assertThat(event.seq()).isEqualTo(3);
        assertThat(event.result()).containsExactly(Map.entry("count", 7L));
        assertThat(event.error()).isNull();
        assertThat(event.isTerminal()).isTrue();
    }

    @Test
    void eventOfFailedJobCarriesError() {
        JobEvent event = aFailedJob().event(EventKind.STATE, FINISHED);

        assertThat(event.state()).isEqualTo(JobState.FAILED);
        assertThat(event.error()).isEqualTo(BOOM);
        assertThat(event.result()).isNull();
        assertThat(event.isTerminal()).isTrue();
    }

    @ParameterizedTest
    @EnumSource(JobState.class)
    void eventSeqAndStateMatchTheJob(JobState state) {
        Job job = aJobIn(state);

        JobEvent event = job.event(EventKind.STATE, FINISHED);

        assertThat(event.seq()).isEqualTo(job.seq());
        assertThat(event.state()).isEqualTo(state);
        assertThat(event.isTerminal()).isEqualTo(state.isTerminal());
    }

    // --- external jobs ---

    private static Job anExternalJob() {
        return Job.submitExternal(ID, "external", "export", "alice", Map.of("any", "thing"), CREATED);
    }

    @Test
    void anExternalJobIsQueuedOnNoNode() {
        Job job = anExternalJob();

        assertThat(job.external()).isTrue();
        assertThat(job.state()).isEqualTo(JobState.QUEUED);
        assertThat(job.seq()).isEqualTo(1);
        assertThat(job.node()).isNull();
        assertThat(aQueuedJob().external()).isFalse();
    }

    @Test
    void theFirstReportStartsAnExternalJobOnNoNodeThenAppliesWhatItSays() {
        List<Job> versions = anExternalJob().reported(new Report.ProgressMade(new Progress(1, 4, "one")), STARTED);

        assertThat(versions).extracting(Job::seq).containsExactly(2L, 3L);
        assertThat(versions).extracting(Job::state).containsExactly(JobState.RUNNING, JobState.RUNNING);
        Job running = versions.get(0);
        assertThat(running.startedAt()).isEqualTo(STARTED);
        assertThat(running.attempt()).isEqualTo(1);
        assertThat(running.node()).isNull();
        assertThat(running.progress()).isEqualTo(Progress.none());
        assertThat(versions.get(1).progress()).isEqualTo(new Progress(1, 4, "one"));
        assertThat(versions.get(1).external()).isTrue();
    }

    @Test
    void aFirstHeartbeatOnlyStartsTheJobAndALaterOneChangesNothing() {
        List<Job> first = anExternalJob().reported(new Report.Heartbeat(), STARTED);

        assertThat(first).extracting(Job::state).containsExactly(JobState.RUNNING);
        assertThat(first.get(0).reported(new Report.Heartbeat(), FINISHED)).isEmpty();
        assertThat(first.get(0).reported(new Report.ProgressMade(Progress.none()), FINISHED))
                .as("unchanged progress")
                .isEmpty();
    }

    @Test
    void aResultOrAnErrorEndsTheExternalJob() {
        Job running = anExternalJob().reported(new Report.Heartbeat(), STARTED).get(0);

        List<Job> succeeded = running.reported(new Report.Succeeded(Map.of("rows", 7L)), FINISHED);
        List<Job> failed = running.reported(new Report.Failed(new JobError("export_failed", "disk full")), FINISHED);

        assertThat(succeeded).singleElement().satisfies(j -> {
            assertThat(j.state()).isEqualTo(JobState.SUCCEEDED);
            assertThat(j.result()).isEqualTo(Map.of("rows", 7L));
            assertThat(j.finishedAt()).isEqualTo(FINISHED);
        });
        assertThat(failed).singleElement().satisfies(j -> {
            assertThat(j.state()).isEqualTo(JobState.FAILED);
            assertThat(j.error()).isEqualTo(new JobError("export_failed", "disk full"));
        });
    }

    @Test
    void aResultAsTheFirstReportRunsAndSucceedsInTwoEvents() {
        assertThat(anExternalJob().reported(new Report.Succeeded(Map.of()), STARTED))
                .extracting(Job::state)
                .containsExactly(JobState.RUNNING, JobState.SUCCEEDED);
    }

    @ParameterizedTest
    @EnumSource(
            value = JobState.class,
            names = {"SUCCEEDED", "FAILED", "CANCELLED"})
    void anEndedExternalJobTakesNoReport(JobState terminal) {
        Job running = anExternalJob().reported(new Report.Heartbeat(), STARTED).get(0);
        Job ended = switch (terminal) {
            case SUCCEEDED -> running.succeed(Map.of(), FINISHED);
            case FAILED -> running.fail(BOOM, FINISHED);
            default -> running.cancel(FINISHED);
        };

        assertThatExceptionOfType(IllegalJobStateChangeException.class)
                .isThrownBy(() -> ended.reported(new Report.Heartbeat(), FINISHED))
                .withMessage("A job cannot move from " + terminal + " to RUNNING");
    }

    @Test
    void onlyAnExternalJobTakesReportsOrStartsElsewhere() {
        assertThatThrownBy(() -> aQueuedJob().reported(new Report.Heartbeat(), STARTED))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("not external");
        assertThatThrownBy(() -> aQueuedJob().startElsewhere(STARTED)).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void aWorkerMayNotReportAKindJobPulseReserves() {
        for (String kind : JobError.RESERVED_KINDS) {
            assertThatThrownBy(() -> new Report.Failed(new JobError(kind, "x")))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("reserved");
        }
        assertThat(JobError.RESERVED_KINDS)
                .containsExactly("handler_error", "interrupted", "timeout", "unknown_type", "worker_lost");
    }

    @Test
    void aReportIdIsPositive() {
        assertThatThrownBy(() -> new Report(OptionalLong.of(0), new Report.Heartbeat()))
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(new Report(OptionalLong.of(1), new Report.Heartbeat()).id()).hasValue(1);
    }
}
