-- JobPulse schema v5: retention. Portable SQL: runs unchanged on H2 2.x and PostgreSQL 12+.
-- The retention sweeper (store.Retention) deletes ended jobs some time after finished_at, and compacts their progress
-- events earlier. events_compacted marks a job whose events were compacted, so that each job is compacted once and
-- the sweeper never reads it again for that; it is only ever set on an ended job.

ALTER TABLE jp_job ADD COLUMN events_compacted BOOLEAN DEFAULT FALSE NOT NULL;

-- the ended jobs to delete, oldest first (finished_at is null until a job ends)
CREATE INDEX jp_job_finished ON jp_job (finished_at);
-- the ended jobs still to compact, oldest first
CREATE INDEX jp_job_to_compact ON jp_job (events_compacted, finished_at);
-- deleting a job row checks the foreign key of its idempotency keys, and the sweeper deletes those by job
CREATE INDEX jp_idempotency_key_job ON jp_idempotency_key (job_id);
