package io.jobpulse.it;

import static org.assertj.core.api.Assertions.assertThat;

import jakarta.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.LongStream;

/** What the cluster ITs check of a watcher: the events it got, each seq once, in order, ending with the job's end. */
final class ClusterWatch {

    private ClusterWatch() {}

    /** The seqs of the job's {@code event} messages among {@code messages}, in arrival order. */
    static List<Long> eventSeqs(List<JsonObject> messages, String job) {
        List<Long> seqs = new ArrayList<>();
        for (JsonObject m : messages) {
            if ("event".equals(m.getString("type")) && job.equals(m.getString("job"))) {
                seqs.add(m.getJsonNumber("seq").longValue());
            }
        }
        return seqs;
    }

    /** The states of the job's STATE events among {@code messages}, in arrival order. */
    static List<String> stateEvents(List<JsonObject> messages, String job) {
        List<String> states = new ArrayList<>();
        for (JsonObject m : messages) {
            if ("event".equals(m.getString("type"))
                    && job.equals(m.getString("job"))
                    && "state".equalsIgnoreCase(m.getString("kind", ""))) {
                states.add(m.getString("state"));
            }
        }
        return states;
    }

    /**
     * The job's events among {@code messages} cover {@code from} to {@code to} in order with no repeat and no gap: each
     * event is the next seq, or a coalesced progress event whose {@code skipped} range names exactly the seqs it stands
     * for (a slow client's outbox may coalesce progress: docs/protocol.md).
     */
    static void assertNoGap(List<JsonObject> messages, String job, long from, long to, String who) {
        long expected = from;
        for (JsonObject m : messages) {
            if (!"event".equals(m.getString("type")) || !job.equals(m.getString("job"))) {
                continue;
            }
            long seq = m.getJsonNumber("seq").longValue();
            if (seq != expected) {
                JsonObject skipped = m.getJsonObject("skipped");
                assertThat(skipped)
                        .as("%s: seq %d after %d with no skipped range: %s", who, seq, expected - 1, m)
                        .isNotNull();
                assertThat(List.of(
                                skipped.getJsonNumber("from").longValue(),
                                skipped.getJsonNumber("to").longValue()))
                        .as("%s: the skipped range of %s", who, m)
                        .containsExactly(expected, seq - 1);
                assertThat(m.getString("kind"))
                        .as("%s: only progress is coalesced: %s", who, m)
                        .isEqualTo("progress");
            }
            expected = seq + 1;
        }
        assertThat(expected - 1).as("%s: the last seq", who).isEqualTo(to);
    }

    /** Every seq from {@code from} to {@code to}, once, in order. */
    static void assertContiguous(List<Long> seqs, long from, long to, String who) {
        assertThat(seqs)
                .as("%s: seqs %d..%d, each once, in order", who, from, to)
                .containsExactlyElementsOf(
                        LongStream.rangeClosed(from, to).boxed().toList());
    }

    /** The last message is the job's terminal event in {@code state}. */
    static void assertEndsWith(List<JsonObject> messages, String job, String state) {
        JsonObject last = messages.get(messages.size() - 1);
        assertThat(WsClient.isTerminalEventOf(last, job))
                .as("ends with the job's terminal event: %s", last)
                .isTrue();
        assertThat(last.getString("state")).isEqualTo(state);
    }
}
