package io.jobpulse.cluster;

import io.jobpulse.hub.ProgressHub;
import io.jobpulse.job.JobEvent;
import io.jobpulse.job.JobId;
import io.jobpulse.metrics.Counter;
import io.jobpulse.metrics.NodeMetrics;
import io.jobpulse.runtime.Clocks;
import io.jobpulse.store.JdbcJobStore;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Brings this node's watchers of a job up to what the store holds, when a hint or the poll says there is more: one
 * read of the missing events per job, however many watchers it has here (a reconnect storm of thousands of watchers of
 * one job costs the store one query), fanned out through the hub like local events. At most one read per job runs at a
 * time; a newer target that arrives meanwhile is read right after.
 *
 * <p>It remembers, per watched job, the newest {@code seq} that went through this node's hub (local or caught up), so
 * it reads only what is missing; a job nobody here watches is not read at all.
 */
final class CatchUp {

    private static final Logger LOG = Logger.getLogger(CatchUp.class.getName());
    /** Events read per query; a watcher further behind than this fills its own gap (or gets a snapshot). */
    static final int MAX_READ = 1000;

    private final JdbcJobStore store;
    private final ProgressHub hub;
    private final Executor executor;
    private final NodeMetrics metrics;

    /** The newest seq known to have gone through the hub, per watched job. */
    private final Map<JobId, Long> published = new ConcurrentHashMap<>();
    /** The seq each job must be caught up to, until a read takes it. */
    private final Map<JobId, Long> wanted = new ConcurrentHashMap<>();
    /** The jobs a read runs for (one at a time per job). */
    private final Set<JobId> reading = ConcurrentHashMap.newKeySet();

    CatchUp(JdbcJobStore store, ProgressHub hub, Executor executor, NodeMetrics metrics) {
        this.store = store;
        this.hub = hub;
        this.executor = executor;
        this.metrics = metrics;
    }

    /** Events of each job up to its {@code seq} in {@code upTo} went through the hub (published here). */
    void published(Map<JobId, Long> upTo) {
        for (JobId job : hub.watchedAmong(upTo.keySet())) {
            published.merge(job, upTo.get(job), Math::max);
        }
    }

    /** The store holds events of {@code job} up to {@code seq}: reads and fans out what this node's watchers miss. */
    void want(JobId job, long seq) {
        if (!hub.watches(job) || seq <= published.getOrDefault(job, -1L)) {
            return;
        }
        wanted.merge(job, seq, Math::max);
        if (reading.add(job)) {
            try {
                executor.execute(() -> read(job));
            } catch (RejectedExecutionException e) {
                reading.remove(job);
                wanted.remove(job);
                LOG.log(Level.FINE, e, () -> "No thread to catch job " + job + " up (shutting down?)");
            }
        }
    }

    /** Forgets jobs nobody watches here any more (called by the poll). */
    void forgetUnwatched() {
        published.keySet().removeIf(job -> !hub.watches(job));
    }

    private void read(JobId job) {
        try {
            while (true) {
                Long target = wanted.remove(job);
                if (target == null) {
                    reading.remove(job);
                    // a want() between the remove above and this line saw the read still running: take it over
                    if (!wanted.containsKey(job) || !reading.add(job)) {
                        return;
                    }
                    continue;
                }
                readUpTo(job, target);
            }
        } catch (RuntimeException e) {
            reading.remove(job);
            LOG.log(Level.WARNING, e, () -> "Catching job " + job + " up from the store failed; the poll retries");
        }
    }

    private void readUpTo(JobId job, long target) {
        while (hub.watches(job)) {
            long have = published.getOrDefault(job, hub.lowestSeq(job).orElse(target - 1));
            if (have >= target) {
                return;
            }
            // a watcher further behind than one read fills its own gap from the store, or gets a snapshot
            long from = Math.max(have, target - MAX_READ);
            List<JobEvent> events = store.eventsAfter(job, from, target, MAX_READ);
            metrics.increment(Counter.CLUSTER_CATCH_UP_READS);
            if (events.isEmpty()) {
                return; // not stored (any more): nothing to fan out
            }
            metrics.add(Counter.CLUSTER_EVENTS_CAUGHT_UP, events.size());
            // the newest event's age as it is fanned out: how far behind the other node this node's watchers were
            metrics.busLag(Duration.between(events.get(events.size() - 1).at(), Clocks.SYSTEM.instant()));
            hub.publish(events);
            published.merge(job, events.get(events.size() - 1).seq(), Math::max); // watched: the loop checks
        }
        published.remove(job);
    }
}
