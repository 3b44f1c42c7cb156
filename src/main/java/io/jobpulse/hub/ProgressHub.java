package io.jobpulse.hub;

import io.jobpulse.job.JobEvent;
import io.jobpulse.job.JobId;
import io.jobpulse.protocol.JobJson;
import io.jobpulse.runtime.ContainerExecutors;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The subscriptions of this node, by job. {@link #publish} is called after the event was committed; it encodes
 * the event once and offers the same text to every subscription of the job. Watchers queue and return, so a slow
 * or broken one never delays the others. A wide fan-out (thousands of watchers of one job) is split across cores
 * ({@link FanOut}).
 */
@ApplicationScoped
public class ProgressHub {

    private static final Logger LOG = Logger.getLogger(ProgressHub.class.getName());

    private final Map<JobId, JobWatchers> byJob = new ConcurrentHashMap<>();
    private FanOut fanOut = FanOut.serial();

    @Inject
    void useCores(ContainerExecutors executors) {
        fanOut = new FanOut(executors.fanOut(), Runtime.getRuntime().availableProcessors());
    }

    /** For tests: fan out with the given splitter. */
    ProgressHub withFanOut(FanOut splitter) {
        this.fanOut = splitter;
        return this;
    }

    public void add(Subscription subscription) {
        byJob.compute(subscription.job(), (job, watchers) -> {
            JobWatchers w = watchers == null ? new JobWatchers() : watchers;
            w.add(subscription);
            return w;
        });
    }

    public void remove(Subscription subscription) {
        byJob.computeIfPresent(subscription.job(), (job, watchers) -> {
            watchers.remove(subscription);
            return watchers.isEmpty() ? null : watchers;
        });
    }

    public void publish(JobEvent event) {
        JobWatchers watchers = byJob.get(event.jobId());
        if (watchers == null) {
            return;
        }
        Subscription[] subscriptions = watchers.array();
        if (subscriptions.length == 0) {
            return;
        }
        String text = JobJson.eventText(event);
        fanOut.run(subscriptions, subscription -> offer(subscription, event, text));
    }

    /**
     * Publishes events of different jobs at once (one store commit's worth, at most one event per job), spreading all
     * their deliveries across cores together: a thousand jobs' progress with a handful of watchers each is as wide a
     * fan-out as one job with thousands. Returns when every delivery was handed over.
     */
    public void publishAll(List<JobEvent> events) {
        List<Delivery> deliveries = new ArrayList<>();
        for (JobEvent event : events) {
            JobWatchers watchers = byJob.get(event.jobId());
            Subscription[] subscriptions = watchers == null ? new Subscription[0] : watchers.array();
            if (subscriptions.length > 0) {
                String text = JobJson.eventText(event);
                for (Subscription subscription : subscriptions) {
                    deliveries.add(new Delivery(subscription, event, text));
                }
            }
        }
        fanOut.run(deliveries.toArray(new Delivery[0]), d -> offer(d.subscription(), d.event(), d.text()));
    }

    private record Delivery(Subscription subscription, JobEvent event, String text) {
    }

    private static void offer(Subscription subscription, JobEvent event, String text) {
        try {
            subscription.offer(event, text);
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, e, () -> "Could not deliver event " + event.seq() + " of job " + event.jobId());
        }
    }

    /** How many subscriptions this node holds (all jobs). */
    public int size() {
        return byJob.values().stream().mapToInt(JobWatchers::size).sum();
    }
}
