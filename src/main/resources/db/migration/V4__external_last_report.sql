-- JobPulse schema v4: when an external job's worker last reported. Portable SQL: runs unchanged on H2 2.x and
-- PostgreSQL 12+. Set by every accepted report (a bare heartbeat and a retried report too) by the database's clock, so
-- that the job view and the page can show how long ago the worker was last heard from; null for other jobs.

ALTER TABLE jp_job ADD COLUMN last_report_at TIMESTAMP WITH TIME ZONE;
