/**
 * Who watches what on this node. Committed events enter through {@link io.jobpulse.hub.EventPublisher}; the hub
 * encodes each once and delivers it, in order and without gaps, to every watcher's transport. It depends on the
 * domain and the wire format only: tokens and the store stay with {@code watch}, which starts watches.
 */
package io.jobpulse.hub;
