/**
 * Health probes for load balancers and orchestrators: {@code Readiness} (started, store answering, not stopping),
 * which anything that reports on the node may ask, and the servlet at {@code /health/live} and
 * {@code /health/ready}. It builds on {@code store} (only the DataSource of {@code Database}), {@code protocol} (the
 * bodies) and {@code runtime}; it knows no transport and nothing of the job machinery: it learns that the node
 * started and is stopping from the CDI events of the application scope, observed after and before everyone else.
 */
package io.jobpulse.health;
