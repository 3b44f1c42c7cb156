package io.jobpulse.store;

import java.time.Instant;

/** A node of the cluster as its last heartbeat recorded it (times by the database's clock). */
public record NodeRow(
        String node,
        Instant startedAt,
        Instant heartbeatAt,
        boolean stopping,
        String busState,
        int runningJobs,
        int connections) {}
