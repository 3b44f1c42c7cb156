package io.jobpulse.hub;

import io.jobpulse.job.JobEvent;

/**
 * A transport's end of one subscription: a WebSocket connection, an SSE stream, or a waiting long poll. The hub calls
 * it with no lock held, from one thread at a time per subscription.
 */
public interface Watcher {

    /** Hands over one event, already encoded; must not block (queue it and return). */
    void send(JobEvent event, String text);

    /**
     * The job reached a terminal state and its last event was sent: the subscription is over, and the hub already
     * forgot it. The transport only forgets it too; it need not (and should not) call back into the hub.
     */
    void ended(Subscription subscription);
}
