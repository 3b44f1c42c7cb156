package io.jobpulse.hub;

import io.jobpulse.job.Job;
import io.jobpulse.job.JobEvent;
import io.jobpulse.job.JobId;
import io.jobpulse.metrics.Counter;
import io.jobpulse.metrics.NodeMetrics;
import io.jobpulse.protocol.JobJson;
import io.jobpulse.runtime.ContainerExecutors;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Typed;
import jakarta.inject.Inject;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The subscriptions of this node, by job, and the {@link EventPublisher} of a single node: it gets every committed
 * event, encodes it once and offers the same text to every subscription of the job. Watchers queue and return, so a slow
 * or broken one never delays the others. A wide fan-out (thousands of watchers of one job) is split across cores
 * ({@link FanOut}).
 *
 * <p>It is not the {@link EventPublisher} bean itself: that one ({@code cluster.ClusterPublisher}) hands every event
 * here and, in a cluster, also tells the other nodes.
 */
@ApplicationScoped
@Typed(ProgressHub.class)
public class ProgressHub implements EventPublisher {

    private static final Logger LOG = Logger.getLogger(ProgressHub.class.getName());

    private final Map<JobId, JobWatchers> byJob = new ConcurrentHashMap<>();
    private final RecentEvents recent = new RecentEvents();
    private FanOut fanOut = FanOut.serial();
    private NodeMetrics metrics = new NodeMetrics();

    @Inject
    void useCores(ContainerExecutors executors) {
        fanOut = new FanOut(executors.fanOut(), Runtime.getRuntime().availableProcessors());
    }

    @Inject
    void useMetrics(NodeMetrics nodeMetrics) {
        this.metrics = nodeMetrics;
    }

    /** For tests: fan out with the given splitter. */
    ProgressHub withFanOut(FanOut splitter) {
        this.fanOut = splitter;
        return this;
    }

    /**
     * A new subscription of {@code watcher} to {@code job}, registered at once (so nothing published from now on is
     * missed) and forgotten when it ends; it delivers nothing until it is started.
     */
    public Subscription subscribe(JobId job, Watcher watcher, EventHistory history) {
        Subscription subscription = new Subscription(job, watcher, history, this::remove);
        add(subscription);
        return subscription;
    }

    void add(Subscription subscription) {
        byJob.compute(subscription.job(), (job, watchers) -> {
            JobWatchers w = watchers == null ? new JobWatchers() : watchers;
            w.add(subscription);
            return w;
        });
    }

    public void remove(Subscription subscription) {
        byJob.computeIfPresent(subscription.job(), (job, watchers) -> {
            watchers.remove(subscription);
            if (watchers.isEmpty()) {
                recent.forget(job);
                return null;
            }
            return watchers;
        });
    }

    /**
     * Encodes each event once and hands it to every subscription of its job. The deliveries of all the events are
     * spread across cores together ({@link FanOut}): a commit of a thousand jobs' progress with a handful of watchers
     * each is as wide a fan-out as one job with thousands. One subscription gets its events in the order given, from
     * one thread. Returns when every delivery was handed over.
     */
    @Override
    public void publish(List<JobEvent> committed) {
        metrics.add(Counter.EVENTS_PUBLISHED, committed.size());
        List<Delivery> deliveries = new ArrayList<>();
        long delivered = 0;
        for (Map.Entry<JobId, List<Encoded>> job : encodedByJob(committed).entrySet()) {
            recent.record(
                    job.getKey(), job.getValue().stream().map(Encoded::event).toList());
            JobWatchers watchers = byJob.get(job.getKey());
            if (watchers != null) {
                Subscription[] subscriptions = watchers.array();
                for (Subscription subscription : subscriptions) {
                    deliveries.add(new Delivery(subscription, job.getValue()));
                }
                delivered += (long) subscriptions.length * job.getValue().size();
            }
        }
        metrics.add(Counter.EVENTS_DELIVERED, delivered);
        if (deliveries.size() == 1) {
            deliveries.get(0).run();
        } else if (!deliveries.isEmpty()) {
            fanOut.run(deliveries.toArray(new Delivery[0]), Delivery::run);
        }
    }

    /** The events of watched jobs, encoded, by job in the order given; unwatched jobs' events are not even encoded. */
    private Map<JobId, List<Encoded>> encodedByJob(List<JobEvent> committed) {
        Map<JobId, List<Encoded>> byId = new LinkedHashMap<>();
        for (JobEvent event : committed) {
            if (byJob.containsKey(event.jobId())) {
                byId.computeIfAbsent(event.jobId(), id -> new ArrayList<>(1))
                        .add(new Encoded(event, JobJson.eventText(event)));
            }
        }
        return byId;
    }

    private record Encoded(JobEvent event, String text) {}

    private record Delivery(Subscription subscription, List<Encoded> events) {
        void run() {
            for (Encoded e : events) {
                offer(subscription, e.event(), e.text());
            }
        }
    }

    private static void offer(Subscription subscription, JobEvent event, String text) {
        try {
            subscription.offer(event, text);
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, e, () -> "Could not deliver event " + event.seq() + " of job " + event.jobId());
        }
    }

    /**
     * The jobs watched on this node now. A cluster catches these jobs up with what other nodes stored.
     */
    public Set<JobId> watched() {
        return Set.copyOf(byJob.keySet());
    }

    /** The lowest {@code seq} the started subscriptions of {@code job} delivered; empty when none started. */
    public OptionalLong lowestSeq(JobId job) {
        JobWatchers watchers = byJob.get(job);
        long lowest = -1;
        if (watchers != null) {
            for (Subscription s : watchers.array()) {
                long seq = s.lastSeq();
                if (seq >= 0 && (lowest < 0 || seq < lowest)) {
                    lowest = seq;
                }
            }
        }
        return lowest < 0 ? OptionalLong.empty() : OptionalLong.of(lowest);
    }

    /**
     * A resumed opening of {@code job} after {@code since} from the events this node keeps of its watched jobs, without
     * reading the store; empty when they do not cover it. Call after {@link #subscribe} (the job is watched).
     */
    public Optional<Opening> resumeFromMemory(JobId job, long since) {
        return recent.resume(job, since);
    }

    /**
     * Keeps {@code job} as read from the store, with its stored events up to its {@code seq} ({@code upToJob}, possibly
     * none), so that the next watchers resume from memory; only while the job is watched here.
     */
    public void remember(Job job, List<JobEvent> upToJob) {
        if (byJob.containsKey(job.id())) {
            recent.remember(job, upToJob);
        }
    }

    /** True while this node has a subscription to {@code job}. */
    public boolean watches(JobId job) {
        return byJob.containsKey(job);
    }

    /**
     * Those of {@code jobs} this node has a subscription to: one call for a commit's jobs (through a CDI client proxy,
     * each call outside a request allocates Weld's interception stack).
     */
    public Set<JobId> watchedAmong(Collection<JobId> jobs) {
        Set<JobId> watched = new HashSet<>();
        for (JobId job : jobs) {
            if (byJob.containsKey(job)) {
                watched.add(job);
            }
        }
        return watched;
    }

    /** How many subscriptions this node holds (all jobs). */
    public int size() {
        return byJob.values().stream().mapToInt(JobWatchers::size).sum();
    }
}
