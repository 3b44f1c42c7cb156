package io.jobpulse.watch;

import io.jobpulse.hub.ChangeWait;
import io.jobpulse.hub.EventHistory;
import io.jobpulse.hub.Opening;
import io.jobpulse.hub.ProgressHub;
import io.jobpulse.hub.Subscription;
import io.jobpulse.hub.Watcher;
import io.jobpulse.job.Job;
import io.jobpulse.job.JobEvent;
import io.jobpulse.job.JobId;
import io.jobpulse.metrics.Counter;
import io.jobpulse.metrics.NodeMetrics;
import io.jobpulse.security.WatchTokens;
import io.jobpulse.store.JdbcJobStore;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.function.Consumer;

/**
 * Starts watching a job for any transport: checks the watch token, registers the subscription with the hub
 * <em>before</em> reading the store (so nothing committed afterwards can be missed), then decides between replaying
 * the events after {@code since} and sending a snapshot. A resume the hub can serve from the events it keeps of its
 * watched jobs reads nothing from the store (a reconnect storm costs one store read per job, not one per watcher).
 */
@ApplicationScoped
public class WatchService {

    /** Resuming further back than this many events gets a snapshot instead of a replay. */
    public static final int MAX_REPLAY = 1000;

    @Inject
    JdbcJobStore store;

    @Inject
    ProgressHub hub;

    @Inject
    WatchTokens tokens;

    @Inject
    NodeMetrics metrics;

    /**
     * Empty when the id is malformed, the job unknown, or the token does not grant it (deliberately the same).
     * {@code sendOpening} runs before any live event reaches the watcher.
     */
    public Optional<Subscription> watch(
            String jobText, String token, OptionalLong since, Watcher watcher, Consumer<Opening> sendOpening) {
        Optional<JobId> id = JobId.parse(jobText).filter(j -> tokens.grants(token, j));
        if (id.isEmpty()) {
            return Optional.empty();
        }
        Subscription subscription = hub.subscribe(id.get(), watcher, this::history);
        try {
            Optional<Opening> fromMemory =
                    since.isPresent() ? hub.resumeFromMemory(id.get(), since.getAsLong()) : Optional.empty();
            if (fromMemory.isPresent()) {
                metrics.increment(Counter.RESUMES_FROM_MEMORY);
                subscription.start(fromMemory.get(), w -> sendOpening.accept(fromMemory.get()));
                return Optional.of(subscription);
            }
            Optional<Job> now = store.find(id.get());
            if (now.isEmpty()) {
                hub.remove(subscription);
                return Optional.empty();
            }
            Opening opening = opening(now.get(), since);
            hub.remember(now.get(), opening.resumed() ? opening.replay() : List.of());
            subscription.start(opening, w -> sendOpening.accept(opening));
            return Optional.of(subscription);
        } catch (RuntimeException e) {
            hub.remove(subscription);
            throw e;
        }
    }

    public void unwatch(Subscription subscription) {
        hub.remove(subscription);
    }

    /** The job, if the id is well-formed, the token grants it and it exists; empty otherwise (all alike). */
    public Optional<Job> authorize(String jobText, String token) {
        return JobId.parse(jobText).filter(j -> tokens.grants(token, j)).flatMap(store::find);
    }

    /** Registers a one-shot wait for the first event after these {@code seq}s (see {@link ChangeWait}). */
    public ChangeWait awaitChange(Map<JobId, Long> after, Runnable onChange) {
        return ChangeWait.register(hub, this::history, after, onChange);
    }

    /** Replay of the events after {@code since} when all are stored and at most {@link #MAX_REPLAY}; else a snapshot. */
    public Opening opening(Job now, OptionalLong since) {
        if (since.isPresent() && since.getAsLong() <= now.seq() && now.seq() - since.getAsLong() <= MAX_REPLAY) {
            List<JobEvent> replay = store.eventsAfter(now.id(), since.getAsLong(), now.seq(), MAX_REPLAY);
            if (replay.size() == now.seq() - since.getAsLong()) {
                return new Opening(now, true, replay);
            }
        }
        return new Opening(now, false, List.of());
    }

    private List<JobEvent> history(JobId job, long afterSeq, long upToSeq) {
        return store.eventsAfter(job, afterSeq, upToSeq, (int) Math.min(EventHistory.MAX_READ, upToSeq - afterSeq));
    }
}
