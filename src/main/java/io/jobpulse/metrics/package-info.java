/** What this node counts (limit trips, closes) and reports about itself at {@code GET /api/node}. */
package io.jobpulse.metrics;
