package io.jobpulse.metrics;

import java.util.Locale;
import java.util.Optional;

/**
 * Events a node counts. Each is one Prometheus counter, or one label value of one, on {@code GET /jobpulse/metrics}
 * ({@link #metric()}, with {@code _total} in the exposition; the same names on every server), and the same number
 * under its {@link #key()} in {@code GET /api/node}.
 */
public enum Counter {
    /** WebSocket connections closed with 4008: the client stayed behind past the outbox or lag bound. */
    WS_CLOSED_LAGGING("jobpulse_websocket_closes", "reason", "lagging"),
    /** Progress events replaced by a newer one of the same job before a lagging client got them. */
    WS_PROGRESS_COALESCED("jobpulse_events_coalesced", null, null),
    /** Frames that carried a {@code batch} of several messages to one connection ({@code jobpulse.v2}). */
    WS_BATCHES_SENT("jobpulse_websocket_batch_frames", null, null),
    /** WebSocket connections closed with 4000 (idle). */
    WS_CLOSED_IDLE("jobpulse_websocket_closes", "reason", "idle"),
    /** WebSocket connections closed with 4001 (no subscribe before the deadline). */
    WS_CLOSED_NO_SUBSCRIBE("jobpulse_websocket_closes", "reason", "no_subscribe"),
    /** WebSocket connections closed with 4029 (message rate). */
    WS_CLOSED_RATE("jobpulse_websocket_closes", "reason", "message_rate"),
    /** WebSocket connections closed with 4013 (connections per client). */
    WS_CLOSED_CLIENT_CONNECTIONS("jobpulse_websocket_closes", "reason", "client_connections"),
    /** WebSocket handshakes refused for the total or per-address connection limit. */
    WS_HANDSHAKES_REFUSED("jobpulse_refusals", "limit", "websocket_connections"),
    /** WebSocket connections closed for bad input (1003, 1007, 1009). */
    WS_CLOSED_BAD_INPUT("jobpulse_websocket_closes", "reason", "bad_input"),
    /** Submissions refused with 429 (rate or queued jobs per client). */
    REST_SUBMISSIONS_REFUSED("jobpulse_refusals", "limit", "submissions"),
    /** Request bodies refused for size or JSON limits. */
    REST_BODIES_REFUSED("jobpulse_refusals", "limit", "request_body"),
    /** Reports of external jobs' workers refused with 429 (reports per second per job). */
    REST_REPORTS_REFUSED("jobpulse_refusals", "limit", "report_rate"),
    /** Jobs failed because they ran longer than their timeout. */
    JOBS_TIMED_OUT("jobpulse_jobs_timed_out", null, null),
    /** External jobs failed because their worker did not report within the heartbeat timeout. */
    JOBS_WORKER_LOST("jobpulse_jobs_worker_lost", null, null),
    /** Runs this node stopped because another node had recovered their job (this node was paused past its lease). */
    RUNS_LOST("jobpulse_runs_lost", null, null),
    /** Events of other nodes' jobs read from the store and fanned out here (cluster catch-up). */
    CLUSTER_EVENTS_CAUGHT_UP("jobpulse_cluster_catch_up_events", null, null),
    /** Catch-up reads of the store, one per job however many watchers it has here. */
    CLUSTER_CATCH_UP_READS("jobpulse_cluster_catch_up_reads", null, null),
    /** Watchers that resumed from the events this node keeps of its watched jobs, without reading the store. */
    RESUMES_FROM_MEMORY("jobpulse_resumes_from_memory", null, null),
    /** Job events committed to the store by this node. */
    EVENTS_STORED("jobpulse_events_stored", null, null),
    /** Committed events that entered this node's live path: its own, and other nodes' it caught up with. */
    EVENTS_PUBLISHED("jobpulse_events_published", null, null),
    /** Events handed to a watcher's transport, one per watcher. */
    EVENTS_DELIVERED("jobpulse_events_delivered", null, null),
    /** Ended jobs deleted by this node's retention sweep ({@code jobpulse.retention}), with their events and keys. */
    RETENTION_JOBS_DELETED("jobpulse_retention_deleted_jobs", null, null),
    /** Events deleted with those jobs. */
    RETENTION_EVENTS_DELETED("jobpulse_retention_deleted_events", null, null),
    /** Progress events of ended jobs compacted away ({@code jobpulse.retention.compact-after}). */
    RETENTION_EVENTS_COMPACTED("jobpulse_retention_compacted_events", null, null),
    /**
     * Workers' reports of existing jobs answered at once, from what the node knows of the job, while reports were
     * being stored (stored in a coming commit).
     */
    REPORTS_ANSWERED_AT_ONCE("jobpulse_reports_answered", "when", "at_once"),
    /** Workers' reports of existing jobs answered once their own commit was done (or refused by the store). */
    REPORTS_ANSWERED_AFTER_COMMIT("jobpulse_reports_answered", "when", "after_commit");

    private final String metric;
    private final String label;
    private final String labelValue;

    Counter(String metric, String label, String labelValue) {
        this.metric = metric;
        this.label = label;
        this.labelValue = labelValue;
    }

    /** The Prometheus counter's name (without {@code _total}). */
    public String metric() {
        return metric;
    }

    /** The label that tells this counter from the others of its {@link #metric()}, if any. */
    public Optional<String> label() {
        return Optional.ofNullable(label);
    }

    /** This counter's value of its {@link #label()}. */
    public Optional<String> labelValue() {
        return Optional.ofNullable(labelValue);
    }

    public String key() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }
}
