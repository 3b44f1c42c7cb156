package io.jobpulse.metrics;

import java.util.Locale;

/** Events a node counts; each is reported under its {@link #key()} by {@code GET /api/node}. */
public enum Counter {
    /** WebSocket connections closed with 4008: the client stayed behind past the outbox or lag bound. */
    WS_CLOSED_LAGGING,
    /** Progress events replaced by a newer one of the same job before a lagging client got them. */
    WS_PROGRESS_COALESCED,
    /** Frames that carried a {@code batch} of several messages to one connection ({@code jobpulse.v2}). */
    WS_BATCHES_SENT,
    /** WebSocket connections closed with 4000 (idle). */
    WS_CLOSED_IDLE,
    /** WebSocket connections closed with 4001 (no subscribe before the deadline). */
    WS_CLOSED_NO_SUBSCRIBE,
    /** WebSocket connections closed with 4029 (message rate). */
    WS_CLOSED_RATE,
    /** WebSocket connections closed with 4013 (connections per client). */
    WS_CLOSED_CLIENT_CONNECTIONS,
    /** WebSocket handshakes refused for the total or per-address connection limit. */
    WS_HANDSHAKES_REFUSED,
    /** WebSocket connections closed for bad input (1003, 1007, 1009). */
    WS_CLOSED_BAD_INPUT,
    /** Submissions refused with 429 (rate or queued jobs per client). */
    REST_SUBMISSIONS_REFUSED,
    /** Request bodies refused for size or JSON limits. */
    REST_BODIES_REFUSED,
    /** Reports of external jobs' workers refused with 429 (reports per second per job). */
    REST_REPORTS_REFUSED,
    /** Jobs failed because they ran longer than their timeout. */
    JOBS_TIMED_OUT,
    /** External jobs failed because their worker did not report within the heartbeat timeout. */
    JOBS_WORKER_LOST,
    /** Runs this node stopped because another node had recovered their job (this node was paused past its lease). */
    RUNS_LOST,
    /** Events of other nodes' jobs read from the store and fanned out here (cluster catch-up). */
    CLUSTER_EVENTS_CAUGHT_UP,
    /** Catch-up reads of the store, one per job however many watchers it has here. */
    CLUSTER_CATCH_UP_READS,
    /** Watchers that resumed from the events this node keeps of its watched jobs, without reading the store. */
    RESUMES_FROM_MEMORY;

    public String key() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }
}
