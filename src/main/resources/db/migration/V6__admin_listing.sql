-- JobPulse schema v6: the operator's listing of every client's jobs (GET /api/admin/jobs, store.JdbcJobListing).
-- Portable SQL: runs unchanged on H2 2.x and PostgreSQL 12+. Newest first is by row_no; the filters by state and owner
-- have their indexes since V1, the filter by type gets one here, and the time range (created_at) one of its own.

CREATE INDEX jp_job_type_rows ON jp_job (job_type, row_no);
CREATE INDEX jp_job_created ON jp_job (created_at);
