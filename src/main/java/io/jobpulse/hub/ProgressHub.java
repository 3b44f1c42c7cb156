package io.jobpulse.hub;

import io.jobpulse.job.JobEvent;
import io.jobpulse.job.JobId;
import io.jobpulse.protocol.JobJson;
import io.jobpulse.runtime.ContainerExecutors;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
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
        fanOut.run(subscriptions, subscription -> {
            try {
                subscription.offer(event, text);
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, e, () -> "Could not deliver event " + event.seq() + " of job " + event.jobId());
            }
        });
    }

    /** How many subscriptions this node holds (all jobs). */
    public int size() {
        return byJob.values().stream().mapToInt(JobWatchers::size).sum();
    }
}
