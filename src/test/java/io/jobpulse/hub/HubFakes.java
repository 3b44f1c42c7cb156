package io.jobpulse.hub;

import io.jobpulse.job.EventKind;
import io.jobpulse.job.JobEvent;
import io.jobpulse.job.JobId;
import io.jobpulse.job.JobState;
import io.jobpulse.job.Progress;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Hand-made fakes and builders shared by the hub tests. */
final class HubFakes {

    static final Instant AT = Instant.parse("2025-06-01T12:00:00.123Z");

    private HubFakes() {}

    /** A RUNNING progress event of {@code job} with {@code seq}. */
    static JobEvent progressEvent(JobId job, long seq) {
        return new JobEvent(
                job,
                seq,
                EventKind.PROGRESS,
                JobState.RUNNING,
                new Progress(seq, 100, "at " + seq),
                AT.plusMillis(seq),
                null,
                null);
    }

    static JobEvent succeededEvent(JobId job, long seq) {
        return new JobEvent(
                job,
                seq,
                EventKind.STATE,
                JobState.SUCCEEDED,
                new Progress(100, 100, "done"),
                AT.plusMillis(seq),
                Map.of("ok", true),
                null);
    }

    /** Records everything in one log, so tests can assert the exact sequence. */
    static final class RecordingWatcher implements Watcher {

        final List<String> log = new ArrayList<>();
        final List<JobEvent> events = new ArrayList<>();
        final List<String> texts = new ArrayList<>();
        int endedCalls;

        @Override
        public void send(JobEvent event, String text) {
            log.add("send " + event.seq());
            events.add(event);
            texts.add(text);
        }

        @Override
        public void ended(Subscription subscription) {
            endedCalls++;
            log.add("ended");
        }

        List<Long> seqs() {
            return events.stream().map(JobEvent::seq).toList();
        }
    }

    /** A watcher whose transport is broken. */
    static final class ThrowingWatcher implements Watcher {

        @Override
        public void send(JobEvent event, String text) {
            throw new IllegalStateException("connection reset");
        }

        @Override
        public void ended(Subscription subscription) {
            throw new IllegalStateException("connection reset");
        }
    }

    /** Stored events of any job, answered like the store would; remembers what was asked. */
    static final class FakeHistory implements EventHistory {

        final List<JobEvent> stored = new ArrayList<>();
        final List<String> calls = new ArrayList<>();

        FakeHistory with(JobEvent... events) {
            stored.addAll(List.of(events));
            return this;
        }

        @Override
        public List<JobEvent> between(JobId job, long afterSeq, long upToSeq) {
            calls.add(afterSeq + ".." + upToSeq);
            return stored.stream()
                    .filter(e -> e.jobId().equals(job) && e.seq() > afterSeq && e.seq() <= upToSeq)
                    .sorted(java.util.Comparator.comparingLong(JobEvent::seq))
                    .toList();
        }
    }
}
