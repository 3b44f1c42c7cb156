-- JobPulse schema v3: external jobs. Portable SQL: runs unchanged on H2 2.x and PostgreSQL 12+.
-- An external job is run by a worker outside JobPulse that reports over REST; no node claims it.
-- lease_expires_at is its heartbeat deadline (by the database's clock): from submit while QUEUED, from the last
-- accepted report while RUNNING; a job past it ends FAILED worker_lost. last_report_id is the id of the last accepted
-- report (null until a report with an id), so that a retried report changes nothing.

ALTER TABLE jp_job ADD COLUMN is_external BOOLEAN DEFAULT FALSE NOT NULL;
ALTER TABLE jp_job ADD COLUMN last_report_id BIGINT;

-- the claim skips external jobs without reading past them; the heartbeat sweep finds them by state
CREATE INDEX jp_job_claim ON jp_job (state, is_external, row_no);
