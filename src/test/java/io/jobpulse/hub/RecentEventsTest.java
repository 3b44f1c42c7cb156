package io.jobpulse.hub;

import static org.assertj.core.api.Assertions.assertThat;

import io.jobpulse.job.EventKind;
import io.jobpulse.job.Job;
import io.jobpulse.job.JobEvent;
import io.jobpulse.job.JobId;
import io.jobpulse.job.JobState;
import io.jobpulse.job.Progress;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class RecentEventsTest {

    private static final Instant T0 = Instant.parse("2026-12-04T10:00:00Z");
    private static final JobId ID = JobId.random();

    private final RecentEvents recent = new RecentEvents();

    /** The job running with events 1 (QUEUED), 2 (RUNNING) and progress up to {@code seq}. */
    private static Job runningAt(long seq) {
        Job job = Job.submit(ID, "steps", "n", "alice", Map.of(), T0).start(T0, "node-a");
        while (job.seq() < seq) {
            job = job.report(new Progress(job.seq(), 1000, "")).orElseThrow();
        }
        return job;
    }

    private static JobEvent progress(long seq) {
        return new JobEvent(ID, seq, EventKind.PROGRESS, JobState.RUNNING, new Progress(seq, 1000, ""), T0, null, null);
    }

    private static List<JobEvent> progress(long from, long to) {
        List<JobEvent> events = new ArrayList<>();
        for (long s = from; s <= to; s++) {
            events.add(progress(s));
        }
        return events;
    }

    private static List<Long> seqs(Optional<Opening> opening) {
        return opening.orElseThrow().replay().stream().map(JobEvent::seq).toList();
    }

    @Test
    void aJobNotRememberedIsNotServed() {
        recent.record(ID, List.of(progress(5)));
        assertThat(recent.resume(ID, 4)).isEmpty();
    }

    @Test
    void aResumeWithinTheKeptEventsIsServedInOrderAndFollowsTheStream() {
        recent.remember(runningAt(10), progress(6, 10));
        recent.record(ID, progress(11, 12));

        assertThat(seqs(recent.resume(ID, 7))).containsExactly(8L, 9L, 10L, 11L, 12L);
        assertThat(recent.resume(ID, 12)).hasValueSatisfying(o -> {
            assertThat(o.replay()).isEmpty();
            assertThat(o.resumed()).isTrue();
            assertThat(o.job().seq()).isEqualTo(12);
            assertThat(o.job().progress().done()).isEqualTo(12);
            assertThat(o.snapshot()).isEmpty();
        });
        assertThat(recent.resume(ID, 4))
                .as("further back than kept: the store answers")
                .isEmpty();
        assertThat(recent.resume(ID, 13))
                .as("ahead of this node: the store answers")
                .isEmpty();
    }

    @Test
    void repeatsAreIgnoredAndAGapRestartsWhatIsKept() {
        recent.remember(runningAt(10), progress(9, 10));
        recent.record(ID, progress(8, 11));
        assertThat(seqs(recent.resume(ID, 8))).containsExactly(9L, 10L, 11L);

        recent.record(ID, List.of(progress(14)));

        assertThat(recent.resume(ID, 11)).as("13 and 12 never came").isEmpty();
        assertThat(seqs(recent.resume(ID, 13))).containsExactly(14L);
    }

    @Test
    void atMostKeepEventsAreKept() {
        recent.remember(runningAt(2), List.of());
        recent.record(ID, progress(3, 2 + RecentEvents.KEEP + 10));
        long newest = 2 + RecentEvents.KEEP + 10;

        assertThat(recent.resume(ID, newest - RecentEvents.KEEP)).isPresent();
        assertThat(recent.resume(ID, newest - RecentEvents.KEEP - 1)).isEmpty();
    }

    @Test
    void aStaleStoreReadDoesNotMoveTheEntryBackAndAForgottenJobIsGone() {
        recent.remember(runningAt(10), progress(9, 10));
        recent.record(ID, progress(11, 11));
        recent.remember(runningAt(10), progress(9, 10));

        assertThat(seqs(recent.resume(ID, 9))).containsExactly(10L, 11L);
        recent.forget(ID);
        assertThat(recent.resume(ID, 10)).isEmpty();
    }
}
