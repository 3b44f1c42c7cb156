package io.jobpulse.hub;

import io.jobpulse.job.Job;
import io.jobpulse.job.JobEvent;
import io.jobpulse.protocol.ServerMessage;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * How a subscription starts: either the stored events after the client's {@code since} ({@code resumed}), or,
 * when those cannot all be replayed, a snapshot of the job as it is now.
 */
public record Opening(Job job, boolean resumed, List<JobEvent> replay) {

    public Opening {
        replay = List.copyOf(replay);
    }

    /** What a transport sends first: {@code subscribed}, then the snapshot or the replayed events. */
    public List<ServerMessage> messages() {
        List<ServerMessage> messages = new ArrayList<>();
        messages.add(new ServerMessage.Subscribed(job.id().value(), resumed));
        snapshot().ifPresent(s -> messages.add(ServerMessage.Snapshot.of(s)));
        replay.forEach(e -> messages.add(ServerMessage.Event.of(e)));
        return messages;
    }

    public Optional<Job> snapshot() {
        return resumed ? Optional.empty() : Optional.of(job);
    }

    long startSeq() {
        return resumed
                ? (replay.isEmpty() ? job.seq() : replay.get(replay.size() - 1).seq())
                : job.seq();
    }

    boolean startsTerminal() {
        return resumed
                ? !replay.isEmpty() && replay.get(replay.size() - 1).isTerminal()
                        || (replay.isEmpty() && job.state().isTerminal())
                : job.state().isTerminal();
    }
}
