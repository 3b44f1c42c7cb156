/**
 * Running jobs: finding the {@link io.jobpulse.api.JobHandler} beans and external types, the scheduler that
 * claims queued jobs up to the per-node limit, bounds each run by its type's timeout and re-queues or fails the runs
 * a stopped node cut short, and the launcher seam (EJB {@code @Asynchronous} on full EE servers).
 */
package io.jobpulse.execution;
