package io.jobpulse.cluster;

import io.jobpulse.job.JobId;
import java.util.Map;
import java.util.Objects;

/** What nodes tell each other. Every message is a hint: losing one delays, never breaks, since the store is the truth. */
public sealed interface BusMessage {

    /** The node that sent it. */
    String from();

    /** These jobs have committed events up to these {@code seq}s. */
    record Hints(String from, Map<JobId, Long> upTo) implements BusMessage {
        public Hints {
            Objects.requireNonNull(from, "from");
            upTo = Map.copyOf(upTo);
        }
    }

    /** A cancel of this RUNNING job was asked for (and stored): its node should stop the handler. */
    record Cancel(String from, JobId job) implements BusMessage {}

    /** Jobs were queued (submitted, or handed back by a stopping node): nodes with free slots should claim. */
    record Wake(String from) implements BusMessage {}

    /** A node's notification to itself, proving its listening connection hears. */
    record Ping(String from, String nonce) implements BusMessage {}
}
