package io.jobpulse.execution;

import io.jobpulse.job.JobId;

/**
 * What this node tells the other nodes of a cluster beyond committed events (those go through the
 * {@code hub.EventPublisher}). On a single node it tells nobody.
 */
public interface PeerSignals {

    /**
     * A cancel of {@code job}, RUNNING on another node, was stored: that node should stop the handler now rather than
     * when it next checks its jobs' cancel flags (within a second).
     */
    void cancelElsewhere(JobId job);
}
