package io.jobpulse.store;

import io.jobpulse.job.Job;

/** What storing a submission did: created the job, found the job an earlier request with the same key created, or refused. */
public sealed interface SubmitOutcome {

    Job job();

    record Created(Job job) implements SubmitOutcome {}

    /** The same Idempotency-Key and the same request as before: the earlier job. */
    record Replayed(Job job) implements SubmitOutcome {}

    /** The same Idempotency-Key with a different request; {@code job} is the one the key belongs to. */
    record KeyConflict(Job job) implements SubmitOutcome {}
}
