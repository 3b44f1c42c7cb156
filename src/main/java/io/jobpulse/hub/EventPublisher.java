package io.jobpulse.hub;

import io.jobpulse.job.JobEvent;
import java.util.List;

/**
 * Where committed events enter the live path: every writer of jobs (the run writer, the scheduler's claims and
 * recoveries, the REST use cases) hands over the events a commit stored, after the commit, and nothing else reaches
 * watchers. The events of one job come in {@code seq} order; several jobs' may come together (one group commit).
 *
 * <p>{@link ProgressHub} is the implementation on a single node: it fans the events out to this node's watchers. A
 * cluster plugs in here twice: a decorator that also tells the other nodes "job J has events up to seq S", and a
 * listener that reads the events other nodes stored and hands them to the hub through this same method, so they reach
 * local watchers exactly as local ones do (each subscription orders, de-duplicates and gap-fills by {@code seq}).
 */
public interface EventPublisher {

    /** Publishes events that are already committed; returns once each was handed to every watcher's transport. */
    void publish(List<JobEvent> committed);
}
