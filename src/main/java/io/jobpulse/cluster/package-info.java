/**
 * Several nodes on one PostgreSQL: what one node tells the others and how it hears them. The event table stays the
 * only truth and {@code seq} is gap-free, so no bus has to guarantee delivery: after a commit a node hints "job J has
 * events up to seq S" ({@link ClusterPublisher}), a node with watchers of J reads what it misses once per job
 * ({@link CatchUp}) and fans it out through its hub, and a backstop poll ({@link Cluster}) catches up whatever a lost
 * hint left behind. The bus ({@link ClusterBus}) is PostgreSQL's LISTEN/NOTIFY on a connection of its own
 * ({@link PgNotifyBus}), or nothing at all ({@link QuietBus}: poll only, or one node on H2). Liveness and claims are
 * rows, not messages: see {@code execution.JobScheduler} and {@link Membership}.
 */
package io.jobpulse.cluster;
