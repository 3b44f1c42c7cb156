package io.jobpulse.hub;

import io.jobpulse.job.JobEvent;

/** A transport's end of one subscription (a WebSocket session today; SSE and long polling later). */
public interface Watcher {

    /** Hands over one event, already encoded; must not block (queue it and return). */
    void send(JobEvent event, String text);

    /** The job reached a terminal state and its last event was sent: the subscription is over. */
    void ended(Subscription subscription);
}
