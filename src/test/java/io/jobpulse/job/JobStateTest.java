package io.jobpulse.job;

import static io.jobpulse.job.JobState.CANCELLED;
import static io.jobpulse.job.JobState.FAILED;
import static io.jobpulse.job.JobState.QUEUED;
import static io.jobpulse.job.JobState.RUNNING;
import static io.jobpulse.job.JobState.SUCCEEDED;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

class JobStateTest {

    /** The whole table, written out independently of the production switch. */
    private static final Map<JobState, Set<JobState>> ALLOWED = Map.of(
            QUEUED, EnumSet.of(RUNNING, CANCELLED, FAILED),
            RUNNING, EnumSet.of(SUCCEEDED, FAILED, CANCELLED, QUEUED),
            SUCCEEDED, EnumSet.noneOf(JobState.class),
            FAILED, EnumSet.noneOf(JobState.class),
            CANCELLED, EnumSet.noneOf(JobState.class));

    static Stream<Arguments> everyPairOfStates() {
        return Arrays.stream(JobState.values())
                .flatMap(from -> Arrays.stream(JobState.values())
                        .map(to -> Arguments.of(from, to, ALLOWED.get(from).contains(to))));
    }

    @ParameterizedTest(name = "{0} -> {1} allowed: {2}")
    @MethodSource("everyPairOfStates")
    void transitionTableAllowsExactlyTheDocumentedMoves(JobState from, JobState to, boolean allowed) {
        assertThat(from.canMoveTo(to)).isEqualTo(allowed);
    }

    @Test
    void tableCoversEveryPairOfStates() {
        assertThat(everyPairOfStates()).hasSize(JobState.values().length * JobState.values().length);
        assertThat(ALLOWED).containsOnlyKeys(JobState.values());
    }

    @Test
    void exactlySevenMovesAreAllowed() {
        long allowed = everyPairOfStates().filter(a -> (boolean) a.get()[2]).count();
        assertThat(allowed).isEqualTo(7);
    }

    @Test
    void queuedCanStartOrBeCancelled() {
        assertThat(QUEUED.canMoveTo(RUNNING)).isTrue();
        assertThat(QUEUED.canMoveTo(CANCELLED)).isTrue();
    }

    @Test
    void queuedCannotSucceedWithoutRunningButMayFail() {
        assertThat(QUEUED.canMoveTo(SUCCEEDED)).isFalse();
        assertThat(QUEUED.canMoveTo(FAILED))
                .as("an external job whose worker never reported")
                .isTrue();
    }

    @Test
    void cannotMoveFromSucceededToRunning() {
        assertThat(SUCCEEDED.canMoveTo(RUNNING)).isFalse();
    }

    @ParameterizedTest
    @EnumSource(JobState.class)
    void noStateCanMoveToItself(JobState state) {
        assertThat(state.canMoveTo(state)).isFalse();
    }

    @ParameterizedTest
    @EnumSource(value = JobState.class, names = "RUNNING", mode = EnumSource.Mode.EXCLUDE)
    void onlyAnInterruptedRunMovesBackToQueued(JobState state) {
        assertThat(state.canMoveTo(QUEUED)).isFalse();
        assertThat(RUNNING.canMoveTo(QUEUED)).isTrue();
    }

    @ParameterizedTest
    @EnumSource(
            value = JobState.class,
            names = {"SUCCEEDED", "FAILED", "CANCELLED"})
    void terminalStatesAreTerminalAndGoNowhere(JobState terminal) {
        assertThat(terminal.isTerminal()).isTrue();
        assertThat(JobState.values()).noneMatch(terminal::canMoveTo);
    }

    @ParameterizedTest
    @EnumSource(
            value = JobState.class,
            names = {"QUEUED", "RUNNING"})
    void activeStatesAreNotTerminal(JobState active) {
        assertThat(active.isTerminal()).isFalse();
    }

    @Test
    void statesAreListedInLifeOrder() {
        assertThat(List.of(JobState.values())).containsExactly(QUEUED, RUNNING, SUCCEEDED, FAILED, CANCELLED);
    }
}
