/**
 * The Java client of JobPulse (docs/java-client.md): {@link io.jobpulse.client.JobPulseClient} submits, reads, lists,
 * cancels and watches jobs over the REST API and the WebSocket protocol, and {@link io.jobpulse.client.ExternalJob}
 * reports the progress of a job that runs in the caller's application. Depends on {@code java.*} and
 * {@code jakarta.json.*} only (guarded by ArchitectureTest), and ships as {@code io.jobpulse:jobpulse-client}.
 */
package io.jobpulse.client;
