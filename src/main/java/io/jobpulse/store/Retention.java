package io.jobpulse.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import javax.sql.DataSource;

/**
 * Deletes what ended jobs no longer need, in short transactions of at most {@link #batchRows} rows each:
 * <ul>
 *   <li>{@link #deleteBatch}: the jobs that ended before a limit, with all their events and idempotency keys (events
 *       first, then keys, then the job row, as the foreign keys want; a job with more events than one batch loses them
 *       over several batches and its row goes with the last);
 *   <li>{@link #compactBatch}: the progress events of jobs that ended before a (nearer) limit, all but the job's newest
 *       progress event; every state event, the terminal one among them, stays. The job is then marked
 *       {@code events_compacted}, so that it is never looked at again for this.
 * </ul>
 * Only rows of jobs already in a terminal state are touched. Nothing writes those any more (a terminal job takes no
 * event, no report, no claim), so a batch waits for no submit or event write and none waits for it; the rows it reads
 * come from the {@code jp_job_finished}/{@code jp_job_to_compact} indexes and the events' primary key.
 *
 * <p>In a cluster (PostgreSQL) each batch first takes the transaction-scoped advisory lock {@link #LOCK_KEY} with
 * {@code pg_try_advisory_xact_lock}: a node that does not get it does nothing ({@link Batch#LOCKED}) and tries again at
 * its next run, so two nodes never sweep at once, and a node that dies mid-batch releases the lock with its session.
 * A batch also commits with {@code synchronous_commit = off} (for that transaction only): it need not wait for the
 * write-ahead log to reach the disk, since a batch lost in a crash is simply done again at the next run, and nothing
 * else is written in its transaction. The embedded H2 is one node's alone.
 */
public final class Retention {

    /** Rows deleted or marked per transaction, at most (a little more: one job row with its keys may follow). */
    public static final int BATCH_ROWS = 500;
    /** "JobPulse" in ASCII: the advisory lock of the retention sweep, one per database. */
    static final long LOCK_KEY = 0x4A6F6250756C7365L;

    private static final int JOBS_PER_BATCH = 100;
    private static final String ENDED = "state IN ('SUCCEEDED', 'FAILED', 'CANCELLED')";

    /** What one batch did; {@code more}: it stopped at its limit, so another batch may find work. */
    public record Batch(boolean locked, long jobs, long events, boolean more) {

        /** Another node holds the lock: this node did nothing. */
        public static final Batch LOCKED = new Batch(true, 0, 0, false);
    }

    private final DataSource dataSource;
    private final boolean postgres;
    private final Optional<String> guard;
    private final int batchRows;

    public Retention(Database database) {
        this(database.dataSource(), database.isPostgres(), database.transactionGuard(), BATCH_ROWS);
    }

    /** For tests: another batch size. */
    public Retention(DataSource dataSource, boolean postgres, int batchRows) {
        this(dataSource, postgres, Optional.empty(), batchRows);
    }

    private Retention(DataSource dataSource, boolean postgres, Optional<String> guard, int batchRows) {
        if (batchRows < 1) {
            throw new IllegalArgumentException("a batch holds at least one row, not " + batchRows);
        }
        this.dataSource = dataSource;
        this.postgres = postgres;
        this.guard = guard;
        this.batchRows = batchRows;
    }

    /**
     * One transaction deleting ended jobs whose {@code finished_at} is before {@code endedBefore}: their events (at most
     * {@link #batchRows} of them), then the keys and rows of the jobs left without events. {@code jobs}: job rows
     * deleted; {@code events}: event rows deleted.
     */
    public Batch deleteBatch(Instant endedBefore) {
        return Transactions.run(dataSource, guard, "delete ended jobs", c -> {
            if (!locked(c)) {
                return Batch.LOCKED;
            }
            List<String> jobs = jobs(c, "SELECT id FROM jp_job WHERE finished_at < ? AND " + ENDED, endedBefore);
            long budget = batchRows;
            long jobsDeleted = 0;
            long events = 0;
            for (String job : jobs) {
                OptionalLong bound = nthSeq(c, job, "", budget);
                long n = deleteEvents(c, job, "", Long.MAX_VALUE, bound);
                events += n;
                budget -= n;
                if (bound.isPresent()) {
                    return new Batch(false, jobsDeleted, events, true); // maybe more events of this job
                }
                budget -= update(c, "DELETE FROM jp_idempotency_key WHERE job_id = ?", job);
                jobsDeleted += update(c, "DELETE FROM jp_job WHERE id = ? AND " + ENDED, job);
                budget--;
                if (budget <= 0) {
                    return new Batch(false, jobsDeleted, events, true);
                }
            }
            return new Batch(false, jobsDeleted, events, jobs.size() == JOBS_PER_BATCH);
        });
    }

    /**
     * One transaction compacting ended jobs whose {@code finished_at} is before {@code endedBefore}: deletes progress
     * events older than each job's newest progress event (at most {@link #batchRows}), and marks the jobs done with.
     * {@code jobs}: jobs marked compacted; {@code events}: progress events deleted.
     */
    public Batch compactBatch(Instant endedBefore) {
        return Transactions.run(dataSource, guard, "compact the events of ended jobs", c -> {
            if (!locked(c)) {
                return Batch.LOCKED;
            }
            List<String> jobs = jobs(
                    c,
                    "SELECT id FROM jp_job WHERE events_compacted = FALSE AND finished_at < ? AND " + ENDED,
                    endedBefore);
            long budget = batchRows;
            long marked = 0;
            long events = 0;
            for (String job : jobs) {
                OptionalLong newest = newestProgress(c, job);
                if (newest.isPresent()) {
                    OptionalLong bound =
                            nthSeq(c, job, " AND kind = 'PROGRESS' AND seq < ?", budget, newest.getAsLong());
                    long n = deleteEvents(c, job, " AND kind = 'PROGRESS'", newest.getAsLong(), bound);
                    events += n;
                    budget -= n;
                    if (bound.isPresent()) {
                        return new Batch(false, marked, events, true); // maybe more events of this job
                    }
                }
                marked += update(c, "UPDATE jp_job SET events_compacted = TRUE WHERE id = ?", job);
                budget--;
                if (budget <= 0) {
                    return new Batch(false, marked, events, true);
                }
            }
            return new Batch(false, marked, events, jobs.size() == JOBS_PER_BATCH);
        });
    }

    /** On PostgreSQL: this transaction holds the sweep's advisory lock (false when another session does). */
    private boolean locked(Connection c) throws SQLException {
        if (!postgres) {
            return true;
        }
        try (PreparedStatement ps = c.prepareStatement("SELECT pg_try_advisory_xact_lock(?)")) {
            ps.setLong(1, LOCK_KEY);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                if (!rs.getBoolean(1)) {
                    return false;
                }
            }
        }
        try (Statement s = c.createStatement()) {
            s.execute("SET LOCAL synchronous_commit = off"); // a batch lost in a crash is simply done again
        }
        return true;
    }

    /** The oldest ended jobs that {@code select} (a query with one timestamp parameter) finds. */
    private static List<String> jobs(Connection c, String select, Instant endedBefore) throws SQLException {
        try (PreparedStatement ps =
                c.prepareStatement(select + " ORDER BY finished_at FETCH FIRST " + JOBS_PER_BATCH + " ROWS ONLY")) {
            JobRows.setInstant(ps, 1, endedBefore);
            List<String> ids = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    ids.add(rs.getString(1));
                }
            }
            return ids;
        }
    }

    private static OptionalLong newestProgress(Connection c, String job) throws SQLException {
        try (PreparedStatement ps =
                c.prepareStatement("SELECT MAX(seq) FROM jp_job_event WHERE job_id = ? AND kind = 'PROGRESS'")) {
            ps.setString(1, job);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                long seq = rs.getLong(1);
                return rs.wasNull() ? OptionalLong.empty() : OptionalLong.of(seq);
            }
        }
    }

    /**
     * The {@code seq} of the {@code n}th event of the job that {@code filter} keeps (in {@code seq} order), if it has
     * that many: deleting up to it deletes exactly {@code n}. Empty: fewer, so deleting all of them stays in budget.
     */
    private static OptionalLong nthSeq(Connection c, String job, String filter, long n, long... below)
            throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT seq FROM jp_job_event WHERE job_id = ?" + filter
                + " ORDER BY seq OFFSET ? ROWS FETCH NEXT 1 ROWS ONLY")) {
            int i = 1;
            ps.setString(i++, job);
            for (long b : below) {
                ps.setLong(i++, b);
            }
            ps.setLong(i, n - 1);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? OptionalLong.of(rs.getLong(1)) : OptionalLong.empty();
            }
        }
    }

    /** Deletes the job's events that {@code filter} keeps with {@code seq < below}, up to {@code upTo} if given. */
    private static long deleteEvents(Connection c, String job, String filter, long below, OptionalLong upTo)
            throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("DELETE FROM jp_job_event WHERE job_id = ?" + filter
                + " AND seq < ?" + (upTo.isPresent() ? " AND seq <= ?" : ""))) {
            ps.setString(1, job);
            ps.setLong(2, below);
            if (upTo.isPresent()) {
                ps.setLong(3, upTo.getAsLong());
            }
            return ps.executeUpdate();
        }
    }

    private static int update(Connection c, String sql, String job) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, job);
            return ps.executeUpdate();
        }
    }
}
