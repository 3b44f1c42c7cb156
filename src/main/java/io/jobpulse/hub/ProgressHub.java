package io.jobpulse.hub;

import io.jobpulse.job.JobEvent;
import io.jobpulse.job.JobId;
import io.jobpulse.protocol.JobJson;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArraySet;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The subscriptions of this node, by job. {@link #publish} is called after the event was committed; it encodes
 * the event once and offers the same text to every subscription of the job. Watchers queue and return, so a slow
 * or broken one never delays the others.
 */
@ApplicationScoped
public class ProgressHub {

    private static final Logger LOG = Logger.getLogger(ProgressHub.class.getName());

    private final Map<JobId, Set<Subscription>> byJob = new ConcurrentHashMap<>();

    public void add(Subscription subscription) {
        byJob.computeIfAbsent(subscription.job(), j -> new CopyOnWriteArraySet<>()).add(subscription);
    }

    public void remove(Subscription subscription) {
        byJob.computeIfPresent(subscription.job(), (job, subs) -> {
            subs.remove(subscription);
            return subs.isEmpty() ? null : subs;
        });
    }

    public void publish(JobEvent event) {
        Set<Subscription> subscriptions = byJob.get(event.jobId());
        if (subscriptions == null || subscriptions.isEmpty()) {
            return;
        }
        String text = JobJson.eventText(event);
        for (Subscription subscription : subscriptions) {
            try {
                subscription.offer(event, text);
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, e, () -> "Could not deliver event " + event.seq() + " of job " + event.jobId());
            }
        }
    }

    /** How many subscriptions this node holds (all jobs). */
    public int size() {
        return byJob.values().stream().mapToInt(Set::size).sum();
    }
}
