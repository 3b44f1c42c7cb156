/**
 * What this node is doing now: its gauges (jobs queued and running, connections by transport, subscriptions, outbox
 * bytes), read from the parts that hold them, registered on the node's meters ({@code metrics}) for
 * {@code GET /jobpulse/metrics} and shown by {@code GET /api/node}.
 */
package io.jobpulse.node;
