package io.jobpulse.hub;

import io.jobpulse.job.Job;
import io.jobpulse.job.JobEvent;
import io.jobpulse.job.JobId;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The newest events of each job watched on this node, kept by the events the hub fans out, so that a watcher
 * resuming a little behind (a reconnect after a node died, a network blip) starts without reading the store: a storm
 * of thousands of watchers arriving at once costs the store one read per job, not one per watcher. An entry exists
 * only while its job has subscriptions here; it covers a contiguous run of at most {@link #KEEP} events ending at the
 * newest {@code seq} this node has seen.
 *
 * <p>The job kept with the events is the stored job advanced by each event ({@link Job#advancedBy}): exact in its
 * {@code seq}, state, progress, result and error, which is all a resumed opening uses. It is never sent as a snapshot.
 */
final class RecentEvents {

    static final int KEEP = 32;

    private final Map<JobId, Entry> byJob = new ConcurrentHashMap<>();

    /** Starts (or refreshes) the entry of a watched job from the store: the job and the events up to its seq. */
    void remember(Job job, List<JobEvent> upToJob) {
        byJob.computeIfAbsent(job.id(), id -> new Entry()).fill(job, upToJob);
    }

    /** Events the hub fans out (one job's in {@code seq} order); only jobs with an entry keep them. */
    void record(JobId job, List<JobEvent> events) {
        Entry entry = byJob.get(job);
        if (entry != null) {
            entry.append(events);
        }
    }

    void forget(JobId job) {
        byJob.remove(job);
    }

    /** A resumed opening after {@code since} from memory, when the kept events cover it. */
    Optional<Opening> resume(JobId job, long since) {
        Entry entry = byJob.get(job);
        return entry == null ? Optional.empty() : entry.resume(since);
    }

    private static final class Entry {
        private Job job;
        private final ArrayDeque<JobEvent> events = new ArrayDeque<>();

        synchronized void fill(Job stored, List<JobEvent> upToJob) {
            if (job != null && job.seq() >= stored.seq()) {
                return; // the stream already brought it further
            }
            job = stored;
            events.clear();
            for (JobEvent e : upToJob) {
                if (e.seq() <= stored.seq()) {
                    keep(e);
                }
            }
            if (!events.isEmpty() && events.peekLast().seq() != stored.seq()) {
                events.clear(); // not contiguous up to the job: keep nothing rather than a gap
            }
        }

        synchronized void append(List<JobEvent> newer) {
            if (job == null) {
                return;
            }
            for (JobEvent e : newer) {
                if (e.seq() <= job.seq()) {
                    continue; // a repeat (a hint overtaken by the local publish, or the other way round)
                }
                if (e.seq() != job.seq() + 1) {
                    events.clear(); // a gap: what is kept must be contiguous
                }
                job = job.advancedBy(e);
                keep(e);
            }
        }

        private void keep(JobEvent e) {
            if (!events.isEmpty() && e.seq() != events.peekLast().seq() + 1) {
                events.clear();
            }
            events.addLast(e);
            while (events.size() > KEEP) {
                events.removeFirst();
            }
        }

        synchronized Optional<Opening> resume(long since) {
            if (job == null || since > job.seq() || since < 0) {
                return Optional.empty();
            }
            if (since == job.seq()) {
                return Optional.of(new Opening(job, true, List.of()));
            }
            if (events.isEmpty() || events.peekFirst().seq() > since + 1) {
                return Optional.empty();
            }
            List<JobEvent> replay = new ArrayList<>();
            for (JobEvent e : events) {
                if (e.seq() > since) {
                    replay.add(e);
                }
            }
            return Optional.of(new Opening(job, true, replay));
        }
    }
}
