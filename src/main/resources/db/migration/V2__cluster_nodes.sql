-- JobPulse schema v2: the cluster's nodes. Portable SQL: runs unchanged on H2 2.x and PostgreSQL 12+.
-- Each node registers a row at start (a new incarnation per start), heartbeats it every third of the lease with the
-- database's clock, and removes it at a graceful stop. The row is what the nodes endpoint lists; the leases of
-- running jobs (jp_job.lease_expires_at, renewed in the same beat) are what recovery acts on.

CREATE TABLE jp_node (
    node_id          VARCHAR(200) NOT NULL PRIMARY KEY,
    incarnation      VARCHAR(36)  NOT NULL,
    started_at       TIMESTAMP WITH TIME ZONE NOT NULL,
    heartbeat_at     TIMESTAMP WITH TIME ZONE NOT NULL,
    stopping         BOOLEAN      NOT NULL,
    bus_state        VARCHAR(16)  NOT NULL,
    running_jobs     INTEGER      NOT NULL,
    connections      INTEGER      NOT NULL
);

-- the sweeper's and a node's own look-ups of running jobs
CREATE INDEX jp_job_running_owner ON jp_job (state, owner_node);
