package io.jobpulse.cluster;

/** How this node hears the other nodes now; reported by {@code GET /api/node} and in {@code jp_node}. */
public enum BusState {
    /** The embedded H2 database: one node, nothing to hear. */
    SINGLE_NODE,
    /** {@code jobpulse.bus=poll}: no LISTEN; the fast poll finds every change. */
    POLL_ONLY,
    /** The listening connection is being opened (first time or after a failure); the fast poll runs meanwhile. */
    CONNECTING,
    /** Listening, and the last self-addressed ping came back: hints arrive, the poll is the slow backstop. */
    LISTENING,
    /** The listening connection failed and waits to reconnect; the fast poll runs meanwhile. */
    DOWN;

    /** True while hints arrive, so the backstop poll may be slow. */
    boolean healthy() {
        return this == LISTENING;
    }
}
