package io.jobpulse.store;

import io.jobpulse.job.EventKind;
import io.jobpulse.job.IllegalJobStateChangeException;
import io.jobpulse.job.Job;
import io.jobpulse.job.JobEvent;
import io.jobpulse.job.JobId;
import io.jobpulse.job.JobState;
import io.jobpulse.job.Report;
import io.jobpulse.metrics.Counter;
import io.jobpulse.metrics.NodeMetrics;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.function.Function;
import javax.sql.DataSource;

/**
 * Jobs and their event log in plain JDBC. Every change runs in one local transaction that locks the job row,
 * applies a domain verb, updates the row and appends the event; callers push the returned event only after
 * this method has returned, that is after commit. No JTA transaction may be active around these calls
 * (the execution beans are NOT_SUPPORTED).
 */
@ApplicationScoped
public class JdbcJobStore {

    private static final String UNIQUE_VIOLATION = "23505";
    private static final int SEQ_READ_CHUNK = 500;

    private DataSource dataSource;
    private Optional<String> guard = Optional.empty();
    private NodeMetrics metrics;

    protected JdbcJobStore() {
        // for CDI proxies
    }

    @Inject
    public JdbcJobStore(Database database, NodeMetrics metrics) {
        this(database.dataSource(), metrics);
        this.guard = database.transactionGuard();
    }

    /** A store on {@code dataSource} whose meters nobody scrapes (tools and tests). */
    public JdbcJobStore(DataSource dataSource) {
        this(dataSource, new NodeMetrics());
    }

    /** A store on {@code dataSource} counting what it commits in {@code metrics}. */
    public JdbcJobStore(DataSource dataSource, NodeMetrics metrics) {
        this.dataSource = dataSource;
        this.metrics = metrics;
    }

    /** Stores a new job with its first event, honouring an Idempotency-Key when one is given. */
    public SubmitOutcome submit(Job job, Optional<IdempotencyKey> key) {
        if (job.external()) {
            throw new IllegalArgumentException("an external job needs a heartbeat deadline: use submitExternal");
        }
        return submit(job, key, Optional.empty());
    }

    /**
     * Stores a new external job like {@link #submit}, with its heartbeat deadline {@code heartbeat} from now by the
     * database's clock: a job whose worker does not report by then is found by {@link #silentExternalJobs}.
     */
    public SubmitOutcome submitExternal(Job job, Optional<IdempotencyKey> key, Duration heartbeat) {
        if (!job.external()) {
            throw new IllegalArgumentException("job " + job.id() + " is not external");
        }
        return submit(job, key, Optional.of(heartbeat));
    }

    private SubmitOutcome submit(Job job, Optional<IdempotencyKey> key, Optional<Duration> heartbeat) {
        JobEvent first = job.event(EventKind.STATE, job.createdAt());
        try {
            SubmitOutcome outcome = inTransaction("store a new job", c -> {
                if (key.isPresent()) {
                    Optional<SubmitOutcome> earlier = findByKey(c, job.owner(), key.get());
                    if (earlier.isPresent()) {
                        return earlier.get();
                    }
                }
                insertJob(c, job);
                insertEvent(c, first);
                if (heartbeat.isPresent()) {
                    setDeadline(c, job.id(), heartbeat.get());
                }
                if (key.isPresent()) {
                    insertKey(c, job, key.get());
                }
                return new SubmitOutcome.Created(job);
            });
            if (outcome instanceof SubmitOutcome.Created) {
                metrics.jobs().submitted(job.type());
                metrics.increment(Counter.EVENTS_STORED);
            }
            return outcome;
        } catch (StoreException e) {
            if (key.isPresent() && isUniqueViolation(e.getCause())) {
                // a concurrent request with the same key won the race: answer with its job
                return inTransaction("read an idempotency key", c -> findByKey(c, job.owner(), key.get()))
                        .orElseThrow(() -> e);
            }
            throw e;
        }
    }

    public Optional<Job> find(JobId id) {
        return inTransaction("read a job", c -> selectJob(c, id, false));
    }

    /** The owner's jobs, newest first; {@code before} is the cursor from the previous page. */
    public JobPage list(String owner, Optional<JobState> state, int limit, Optional<Long> before) {
        String sql = "SELECT row_no, " + JobRows.JOB_COLUMNS + " FROM jp_job WHERE owner = ?"
                + (state.isPresent() ? " AND state = ?" : "")
                + (before.isPresent() ? " AND row_no < ?" : "")
                + " ORDER BY row_no DESC FETCH FIRST ? ROWS ONLY";
        return inTransaction("list jobs", c -> {
            try (PreparedStatement ps = c.prepareStatement(sql)) {
                int i = 1;
                ps.setString(i++, owner);
                if (state.isPresent()) {
                    ps.setString(i++, state.get().name());
                }
                if (before.isPresent()) {
                    ps.setLong(i++, before.get());
                }
                ps.setInt(i, limit + 1);
                return JobPage.read(ps, limit);
            }
        });
    }

    /** How many of the owner's jobs are QUEUED (the per-client queue limit). */
    public int countQueued(String owner) {
        return inTransaction("count queued jobs", c -> {
            try (PreparedStatement ps =
                    c.prepareStatement("SELECT COUNT(*) FROM jp_job WHERE state = 'QUEUED' AND owner = ?")) {
                ps.setString(1, owner);
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    return rs.getInt(1);
                }
            }
        });
    }

    /**
     * How many jobs are QUEUED and how many RUNNING in the store (every node's), by one read of the state index: the
     * active jobs only, however many have ended.
     */
    public ActiveJobs countActive() {
        return inTransaction("count active jobs", c -> {
            long queued = 0;
            long running = 0;
            try (PreparedStatement ps = c.prepareStatement("SELECT state, COUNT(*) FROM jp_job"
                            + " WHERE state IN ('QUEUED', 'RUNNING') GROUP BY state");
                    ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    if (JobState.QUEUED.name().equals(rs.getString(1))) {
                        queued = rs.getLong(2);
                    } else {
                        running = rs.getLong(2);
                    }
                }
            }
            return new ActiveJobs(queued, running);
        });
    }

    /** Whether the owner has already used this Idempotency-Key, with whatever request. */
    public boolean hasIdempotencyKey(String owner, String key) {
        return inTransaction("read an idempotency key", c -> {
            try (PreparedStatement ps =
                    c.prepareStatement("SELECT 1 FROM jp_idempotency_key WHERE owner = ? AND idem_key = ?")) {
                ps.setString(1, owner);
                ps.setString(2, key);
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next();
                }
            }
        });
    }

    /** Stored events with {@code since < seq <= upTo}, in order, at most {@code limit}. */
    public List<JobEvent> eventsAfter(JobId id, long since, long upTo, int limit) {
        String sql = "SELECT " + JobRows.EVENT_COLUMNS + " FROM jp_job_event WHERE job_id = ? AND seq > ? AND seq <= ?"
                + " ORDER BY seq FETCH FIRST ? ROWS ONLY";
        return inTransaction("read events", c -> {
            try (PreparedStatement ps = c.prepareStatement(sql)) {
                ps.setString(1, id.value());
                ps.setLong(2, since);
                ps.setLong(3, upTo);
                ps.setInt(4, limit);
                List<JobEvent> events = new ArrayList<>();
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        events.add(JobRows.event(rs));
                    }
                }
                return events;
            }
        });
    }

    /**
     * Locks the job, applies {@code change} (a domain verb; it may throw IllegalJobStateChangeException or answer
     * empty for "nothing to do") and commits the new version with its event. Empty when the job does not exist or
     * nothing changed.
     */
    public Optional<Change> update(JobId id, Instant at, Function<Job, Optional<Job>> change) {
        return counted(inTransaction("update a job", c -> {
            Optional<Job> current = selectJob(c, id, true);
            if (current.isEmpty()) {
                return Optional.empty();
            }
            Optional<Job> next = change.apply(current.get());
            if (next.isEmpty()) {
                return Optional.empty();
            }
            return Optional.of(write(c, current.get(), next.get(), at));
        }));
    }

    /**
     * Applies several jobs' changes in one transaction, in the order given. A change that does not apply (unknown job,
     * nothing to do, or not allowed in the job's state now) is left out: its answer is empty, and the others still
     * commit. One commit for many small progress updates is what lets a node keep up with many busy jobs.
     *
     * <p>It takes a constant number of round trips to the database, not three per change (on PostgreSQL over a network
     * those were most of a commit: the cluster benchmark stored 1 700 of 10 000 offered updates a second): every row is
     * locked by one {@code SELECT ... FOR UPDATE} per {@value #LOCK_CHUNK} ids, in id order (as every other multi-row
     * write locks, so two writers never wait for each other's rows in opposite orders), the changes are applied in
     * memory in the order given (several of one job chain), and each job's final row and all the events are written in
     * two JDBC batches.
     */
    public List<Optional<Change>> updateAll(List<JobUpdate> updates) {
        List<Optional<Change>> committed = inTransaction("update jobs", c -> {
            Map<JobId, Job> locked =
                    lockJobs(c, updates.stream().map(JobUpdate::id).toList(), LOCK_CHUNK);
            Map<JobId, Job> now = new HashMap<>(locked);
            List<Optional<Change>> changes = new ArrayList<>(updates.size());
            List<JobEvent> events = new ArrayList<>();
            for (JobUpdate u : updates) {
                Job current = now.get(u.id());
                Optional<Job> next;
                try {
                    next = current == null ? Optional.empty() : u.change().apply(current);
                } catch (IllegalJobStateChangeException e) {
                    next = Optional.empty();
                }
                if (next.isEmpty()) {
                    changes.add(Optional.empty());
                    continue;
                }
                Change change = changeOf(current, next.get(), u.at());
                change.event().ifPresent(events::add);
                now.put(u.id(), next.get());
                changes.add(Optional.of(change));
            }
            List<Job[]> rows = new ArrayList<>();
            for (Map.Entry<JobId, Job> e : now.entrySet()) {
                Job before = locked.get(e.getKey());
                if (e.getValue() != before) {
                    rows.add(new Job[] {before, e.getValue()});
                }
            }
            writeRows(c, rows);
            insertEvents(c, events);
            return changes;
        });
        committed.forEach(this::counted);
        return committed;
    }

    /** Ids locked by one statement: below the parameter limits of every database JobPulse runs on. */
    private static final int LOCK_CHUNK = 500;

    /** Locks these jobs' rows (each once, in id order, {@code chunk} ids a statement) and answers the ones that exist. */
    static Map<JobId, Job> lockJobs(Connection c, List<JobId> ids, int chunk) throws SQLException {
        return lockRows(c, ids, chunk, "", JobRows::job).rows();
    }

    /**
     * The {@code ORDER BY} term that sorts ids as {@link String#compareTo} does, the order every multi-row write locks
     * in. H2 compares strings so; PostgreSQL sorts by the column's collation, which in a database created with a
     * language's locale (en_US.UTF-8, say) puts {@code a} before {@code Z} and ignores {@code -} and {@code _} at first:
     * a commit locking in that order and a lease renewal locking in Java's could each hold a row the other waits for (a
     * deadlock, broken after PostgreSQL's {@code deadlock_timeout} by failing one of them). {@code COLLATE "C"} sorts by
     * byte, which for the ASCII of an id is Java's order.
     */
    private static String idOrder(Connection c) throws SQLException {
        return c.getMetaData().getDatabaseProductName().toLowerCase(Locale.ROOT).contains("postgres")
                ? "id COLLATE \"C\""
                : "id";
    }

    /** A value read from a locked row of jp_job. */
    @FunctionalInterface
    private interface RowReader<T> {
        T read(ResultSet rs) throws SQLException;
    }

    /**
     * Rows {@link #lockRows} locked, by job, and the database's time in the transaction that locked them (its {@code
     * CURRENT_TIMESTAMP}, as {@link #databaseNow} would read it; null when no row exists).
     */
    private record Locked<T>(Map<JobId, T> rows, Instant at) {}

    /**
     * Locks these jobs' rows (each once, in id order, {@code chunk} ids a statement), reading the job's columns and
     * {@code more} ({@code ", column, ..."}), and answers what {@code reader} makes of each row that exists. The ids go
     * as one array ({@code id = ANY(?)}), so the statement's text is the same for any number of them: PostgreSQL's
     * driver prepares it on the server once per connection instead of parsing and planning an {@code IN} list of each
     * length anew. The database's clock comes with the rows, which saves a round trip to read it.
     */
    private static <T> Locked<T> lockRows(Connection c, List<JobId> ids, int chunk, String more, RowReader<T> reader)
            throws SQLException {
        List<String> sorted = ids.stream().map(JobId::value).distinct().sorted().toList();
        Map<JobId, T> rows = new HashMap<>();
        Instant at = null;
        String sql = "SELECT " + JobRows.JOB_COLUMNS + more
                + ", CURRENT_TIMESTAMP AS locked_at FROM jp_job WHERE id = ANY(?) ORDER BY " + idOrder(c)
                + " FOR UPDATE";
        for (int from = 0; from < sorted.size(); from += chunk) {
            List<String> some = sorted.subList(from, Math.min(sorted.size(), from + chunk));
            try (PreparedStatement ps = c.prepareStatement(sql)) {
                Array array = c.createArrayOf("VARCHAR", some.toArray());
                try {
                    ps.setArray(1, array);
                    try (ResultSet rs = ps.executeQuery()) {
                        while (rs.next()) {
                            rows.put(new JobId(rs.getString("id")), reader.read(rs));
                            if (at == null) { // the same on every row
                                at = rs.getObject("locked_at", OffsetDateTime.class)
                                        .toInstant();
                            }
                        }
                    }
                } finally {
                    array.free();
                }
            }
        }
        return new Locked<>(rows, at);
    }

    /**
     * Like {@link #update}, for a job found by {@link #expiredLeases} or {@link #runningOn}: applies {@code change} only
     * if the job is still orphaned when its row is locked (RUNNING, and its lease expired by the database's clock or,
     * when {@code node} is given, claimed by that node), so a job another node re-queued, claimed or is recovering in
     * the meantime (its row locked: skipped, not waited for) is left alone.
     */
    public Optional<Change> updateOrphan(
            JobId id, Optional<String> node, Instant now, Function<Job, Optional<Job>> change) {
        return updateIfStill(
                "recover an orphaned job",
                "state = 'RUNNING' AND is_external = FALSE AND (owner_node = ? OR lease_expires_at < CURRENT_TIMESTAMP)",
                java.util.Arrays.asList(id.value(), node.orElse(null)), // a null node: any expired lease
                now,
                change);
    }

    /**
     * Locks the job's row if it still matches {@code condition} (its parameters after the id), skipping it when another
     * transaction holds it, applies {@code change} and writes the new version with its event.
     */
    private Optional<Change> updateIfStill(
            String operation,
            String condition,
            List<String> parameters,
            Instant now,
            Function<Job, Optional<Job>> change) {
        return counted(inTransaction(operation, c -> {
            Optional<Job> current;
            try (PreparedStatement ps = c.prepareStatement("SELECT " + JobRows.JOB_COLUMNS + " FROM jp_job WHERE id = ?"
                    + " AND " + condition + " FOR UPDATE SKIP LOCKED")) {
                for (int i = 0; i < parameters.size(); i++) {
                    ps.setString(i + 1, parameters.get(i));
                }
                try (ResultSet rs = ps.executeQuery()) {
                    current = rs.next() ? Optional.of(JobRows.job(rs)) : Optional.empty();
                }
            }
            Optional<Job> next = current.flatMap(change);
            if (next.isEmpty()) {
                return Optional.empty();
            }
            return Optional.of(write(c, current.get(), next.get(), now));
        }));
    }

    /**
     * Claims the oldest QUEUED job for {@code node}: moves it to RUNNING (the next attempt, on that node) and takes a
     * lease on it for {@code lease} from now by the database's clock. One statement picks and locks the row, skipping
     * rows other nodes are claiming at the same moment ({@code FOR UPDATE SKIP LOCKED}), so claiming nodes never wait
     * for each other; the RUNNING write and its event follow in the same transaction. External jobs are never claimed:
     * a worker outside JobPulse runs them.
     */
    public Optional<Change> claimNext(String node, Instant now, Duration lease) {
        return counted(inTransaction("claim a queued job", c -> {
            Optional<Job> queued;
            try (PreparedStatement ps = c.prepareStatement("SELECT " + JobRows.JOB_COLUMNS
                    + " FROM jp_job WHERE state = 'QUEUED' AND is_external = FALSE ORDER BY row_no"
                    + " FETCH FIRST 1 ROWS ONLY FOR UPDATE SKIP LOCKED")) {
                try (ResultSet rs = ps.executeQuery()) {
                    queued = rs.next() ? Optional.of(JobRows.job(rs)) : Optional.empty();
                }
            }
            if (queued.isEmpty()) {
                return Optional.empty();
            }
            Change change = write(c, queued.get(), queued.get().start(now, node), now);
            try (PreparedStatement ps = c.prepareStatement("UPDATE jp_job SET lease_expires_at = ? WHERE id = ?")) {
                JobRows.setInstant(ps, 1, databaseNow(c).plus(lease));
                ps.setString(2, queued.get().id().value());
                ps.executeUpdate();
            }
            return Optional.of(change);
        }));
    }

    /**
     * Extends, by {@code lease} from now by the database's clock, the leases {@code node} holds on these runs (job and
     * attempt). Answers the runs it no longer holds: re-queued, failed or claimed again since, by a node that found
     * the lease expired. Their runs must stop; their writes are refused anyway ({@link #updateAll} callers fence).
     *
     * <p>In id order, {@value #RENEW_CHUNK} runs a transaction: one transaction for a thousand runs held a thousand row
     * locks while it waited, row after row, for the shared progress commits that had some of them, and those commits
     * then waited for all of its locks (the handlers' benchmark pass saw every job's progress stop for three seconds).
     */
    public Set<JobId> renewLeases(String node, Map<JobId, Integer> runs, Duration lease) {
        return renewLeases(node, runs, lease, RENEW_CHUNK);
    }

    /** Runs whose leases one transaction of {@link #renewLeases} extends. */
    static final int RENEW_CHUNK = 100;

    /** {@link #renewLeases} with {@code chunk} runs a transaction (tests use small ones). */
    Set<JobId> renewLeases(String node, Map<JobId, Integer> runs, Duration lease, int chunk) {
        List<Map.Entry<JobId, Integer>> ordered = new ArrayList<>(runs.entrySet());
        ordered.sort(Map.Entry.comparingByKey(Comparator.comparing(JobId::value))); // row locks in one order
        Set<JobId> lost = new HashSet<>();
        for (int from = 0; from < ordered.size(); from += chunk) {
            List<Map.Entry<JobId, Integer>> some = ordered.subList(from, Math.min(ordered.size(), from + chunk));
            lost.addAll(inTransaction("renew leases", c -> {
                Instant until = databaseNow(c).plus(lease);
                try (PreparedStatement ps = c.prepareStatement("UPDATE jp_job SET lease_expires_at = ? WHERE id = ?"
                        + " AND owner_node = ? AND attempt = ? AND state = 'RUNNING'")) {
                    for (Map.Entry<JobId, Integer> run : some) {
                        JobRows.setInstant(ps, 1, until);
                        ps.setString(2, run.getKey().value());
                        ps.setString(3, node);
                        ps.setInt(4, run.getValue());
                        ps.addBatch();
                    }
                    int[] counts = ps.executeBatch();
                    Set<JobId> gone = new HashSet<>();
                    for (int i = 0; i < counts.length; i++) {
                        if (counts[i] == 0) {
                            gone.add(some.get(i).getKey());
                        }
                    }
                    return gone;
                }
            }));
        }
        return lost;
    }

    /**
     * RUNNING jobs whose lease expired by the database's clock (their node stopped renewing), at most {@code max}.
     * External jobs are not among them: their {@code lease_expires_at} is a heartbeat deadline ({@link
     * #silentExternalJobs}).
     */
    public List<JobId> expiredLeases(int max) {
        return ids(
                "find jobs with expired leases",
                "SELECT id FROM jp_job WHERE state = 'RUNNING' AND is_external = FALSE"
                        + " AND lease_expires_at < CURRENT_TIMESTAMP"
                        + " ORDER BY lease_expires_at FETCH FIRST " + max + " ROWS ONLY",
                null);
    }

    /**
     * Applies a report of the worker of an external job, in one transaction that locks the job's row ({@link
     * #reportAll} of one). Empty when the job does not exist.
     */
    public Optional<ReportOutcome> report(JobId id, Report report, Instant at, Function<Job, Duration> heartbeat) {
        return reportAll(List.of(new ReportRequest(id, report, at, heartbeat))).get(0);
    }

    /**
     * Applies reports of the workers of external jobs, in the order given (several of one job in turn), in one
     * transaction that locks their rows in id order; one outcome per request, empty when its job does not exist. Each
     * is judged as the job is after the ones before it: a report whose id is the last accepted one is {@link
     * ReportOutcome.Repeated} (nothing written but the heartbeat); a job that has ended is {@link ReportOutcome.Ended};
     * an id below the last accepted one is {@link ReportOutcome.OutOfOrder}; otherwise the versions {@link
     * Job#reported} gives are written with their events, the id (if any) becomes the last accepted one, and the job's
     * worker counts as heard from: its last report time is now and its heartbeat deadline {@code heartbeat} of the job
     * from now, both by the database's clock. Each job's final row, all the events and the heartbeats are written in
     * three JDBC batches, so a thousand workers' reports share a commit as the runs' progress does ({@link #updateAll}).
     */
    public List<Optional<ReportOutcome>> reportAll(List<ReportRequest> requests) {
        List<Optional<ReportOutcome>> committed = inTransaction("store workers' reports", c -> {
            Locked<Reported> lock = lockRows(
                    c, requests.stream().map(ReportRequest::id).toList(), LOCK_CHUNK, ", last_report_id", rs -> {
                        long last = rs.getLong("last_report_id");
                        return new Reported(
                                JobRows.job(rs), rs.wasNull() ? OptionalLong.empty() : OptionalLong.of(last));
                    });
            Map<JobId, Reported> locked = lock.rows();
            Instant heard = lock.at();
            Map<JobId, Reported> now = new HashMap<>(locked);
            Map<JobId, Duration> heartbeats = new HashMap<>();
            List<JobEvent> events = new ArrayList<>();
            List<Optional<ReportOutcome>> outcomes = new ArrayList<>(requests.size());
            for (ReportRequest request : requests) {
                Reported current = now.get(request.id());
                if (current == null) {
                    outcomes.add(Optional.empty());
                    continue;
                }
                ReportOutcome outcome = judge(current, request, heard);
                outcomes.add(Optional.of(outcome));
                boolean heardFrom = outcome instanceof ReportOutcome.Accepted
                        || (outcome instanceof ReportOutcome.Repeated
                                && !outcome.job().state().isTerminal());
                if (heardFrom) {
                    heartbeats.put(request.id(), request.heartbeat().apply(outcome.job()));
                }
                if (outcome instanceof ReportOutcome.Accepted accepted) {
                    events.addAll(accepted.events());
                    OptionalLong id =
                            request.report().id().isPresent() ? request.report().id() : current.lastId();
                    now.put(request.id(), new Reported(accepted.job(), id));
                } else if (heardFrom) {
                    now.put(request.id(), new Reported(outcome.job(), current.lastId()));
                }
            }
            List<Job[]> rows = new ArrayList<>();
            for (Map.Entry<JobId, Reported> e : now.entrySet()) {
                Job before = locked.get(e.getKey()).job();
                if (e.getValue().job().seq() != before.seq()) {
                    rows.add(new Job[] {before, e.getValue().job()});
                }
            }
            // a job that changed and was heard from gets one UPDATE of both (a second would write a second row
            // version); the others get one of what they need
            Map<JobId, Duration> onlyHeard = new HashMap<>(heartbeats);
            List<Job[]> changedAndHeard = new ArrayList<>();
            List<Job[]> changedOnly = new ArrayList<>();
            for (Job[] row : rows) {
                (onlyHeard.remove(row[1].id()) != null ? changedAndHeard : changedOnly).add(row);
            }
            writeRows(c, changedOnly);
            writeRows(
                    c,
                    changedAndHeard,
                    HEARD_COLUMNS,
                    (ps, first, job) -> setHeard(
                            ps,
                            first,
                            heard,
                            heartbeats.get(job.id()),
                            now.get(job.id()).lastId()));
            insertEvents(c, events);
            writeHeartbeats(c, heard, onlyHeard, now);
            return outcomes;
        });
        for (Optional<ReportOutcome> outcome : committed) {
            if (outcome.isPresent() && outcome.get() instanceof ReportOutcome.Accepted accepted) {
                count(accepted.job(), accepted.events());
            }
        }
        return committed;
    }

    /** A locked job and the id of its worker's last accepted report. */
    private record Reported(Job job, OptionalLong lastId) {}

    /** What {@code request} does to the job as it is ({@code current}); {@code heard}: the database's time now. */
    private static ReportOutcome judge(Reported current, ReportRequest request, Instant heard) {
        Job job = current.job();
        Report report = request.report();
        OptionalLong lastId = current.lastId();
        if (!job.external()) {
            return new ReportOutcome.NotExternal(job);
        }
        boolean repeat =
                report.id().isPresent() && lastId.isPresent() && report.id().getAsLong() == lastId.getAsLong();
        if (repeat) {
            return new ReportOutcome.Repeated(job.state().isTerminal() ? job : job.heardFrom(heard));
        }
        if (job.state().isTerminal()) {
            return new ReportOutcome.Ended(job);
        }
        if (report.id().isPresent() && lastId.isPresent() && report.id().getAsLong() < lastId.getAsLong()) {
            return new ReportOutcome.OutOfOrder(job, lastId.getAsLong());
        }
        List<JobEvent> events = new ArrayList<>();
        Job next = job;
        for (Job version : job.reported(report.content(), request.at())) {
            changeOf(next, version, request.at()).event().ifPresent(events::add);
            next = version;
        }
        return new ReportOutcome.Accepted(next.heardFrom(heard), List.copyOf(events));
    }

    /**
     * The workers heard from whose job did not change otherwise: their last report time ({@code heard}), heartbeat
     * deadline ({@code heard} plus their {@code heartbeats}) and last accepted report id, in one JDBC batch.
     */
    private static void writeHeartbeats(
            Connection c, Instant heard, Map<JobId, Duration> heartbeats, Map<JobId, Reported> now)
            throws SQLException {
        if (heartbeats.isEmpty()) {
            return;
        }
        try (PreparedStatement ps =
                c.prepareStatement("UPDATE jp_job SET " + HEARD_COLUMNS.substring(2) + " WHERE id = ?")) {
            for (Map.Entry<JobId, Duration> e : heartbeats.entrySet()) {
                int next =
                        setHeard(ps, 1, heard, e.getValue(), now.get(e.getKey()).lastId());
                ps.setString(next, e.getKey().value());
                ps.addBatch();
            }
            ps.executeBatch();
        }
    }

    /** The values of {@link #HEARD_COLUMNS} from parameter {@code first}; answers the next parameter. */
    private static int setHeard(PreparedStatement ps, int first, Instant heard, Duration heartbeat, OptionalLong lastId)
            throws SQLException {
        JobRows.setInstant(ps, first, heard);
        JobRows.setInstant(ps, first + 1, heard.plus(heartbeat));
        if (lastId.isPresent()) {
            ps.setLong(first + 2, lastId.getAsLong());
        } else {
            ps.setNull(first + 2, java.sql.Types.BIGINT);
        }
        return first + 3;
    }

    /**
     * External jobs, QUEUED or RUNNING, whose worker missed its heartbeat deadline by the database's clock, the longest
     * overdue first, at most {@code max}.
     */
    public List<JobId> silentExternalJobs(int max) {
        return ids(
                "find silent external jobs",
                "SELECT id FROM jp_job WHERE state IN ('QUEUED', 'RUNNING') AND is_external = TRUE"
                        + " AND lease_expires_at < CURRENT_TIMESTAMP"
                        + " ORDER BY lease_expires_at FETCH FIRST " + max + " ROWS ONLY",
                null);
    }

    /**
     * Like {@link #update}, for a job found by {@link #silentExternalJobs}: applies {@code change} only if the job is
     * still silent when its row is locked (not ended, deadline passed by the database's clock). A job whose row is
     * locked (a report being stored, or another node's sweep) is skipped, not waited for.
     */
    public Optional<Change> updateSilent(JobId id, Instant now, Function<Job, Optional<Job>> change) {
        return updateIfStill(
                "end a silent external job",
                "state IN ('QUEUED', 'RUNNING') AND is_external = TRUE AND lease_expires_at < CURRENT_TIMESTAMP",
                List.of(id.value()),
                now,
                change);
    }

    /** The heartbeat deadline of a new external job, {@code heartbeat} from now by the database's clock. */
    private static void setDeadline(Connection c, JobId id, Duration heartbeat) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("UPDATE jp_job SET lease_expires_at = ? WHERE id = ?")) {
            JobRows.setInstant(ps, 1, databaseNow(c).plus(heartbeat));
            ps.setString(2, id.value());
            ps.executeUpdate();
        }
    }

    /** The RUNNING jobs claimed by {@code node} (at its start-up: those of its earlier life). */
    public List<JobId> runningOn(String node) {
        return ids(
                "find a node's running jobs", "SELECT id FROM jp_job WHERE state = 'RUNNING' AND owner_node = ?", node);
    }

    /** The RUNNING jobs of {@code node} whose cancel was asked for (on whichever node). */
    public List<JobId> cancelRequested(String node) {
        return ids(
                "find cancel requests",
                "SELECT id FROM jp_job WHERE state = 'RUNNING' AND owner_node = ? AND cancel_requested = TRUE",
                node);
    }

    /**
     * The newest {@code seq} of each of these jobs that exists, read {@value #SEQ_READ_CHUNK} ids a statement in one
     * transaction. The ids go as one array ({@code id = ANY(?)}, as {@link #lockRows} sends them), so the statement's
     * text is the same for any number of them and PostgreSQL's driver prepares it once per connection.
     */
    public Map<JobId, Long> latestSeqs(Collection<JobId> jobs) {
        List<String> all = jobs.stream().map(JobId::value).distinct().toList();
        if (all.isEmpty()) {
            return Map.of();
        }
        return inTransaction("read the newest seqs", c -> {
            Map<JobId, Long> seqs = new HashMap<>();
            try (PreparedStatement ps = c.prepareStatement("SELECT id, seq FROM jp_job WHERE id = ANY(?)")) {
                for (int from = 0; from < all.size(); from += SEQ_READ_CHUNK) {
                    Array array = c.createArrayOf(
                            "VARCHAR",
                            all.subList(from, Math.min(all.size(), from + SEQ_READ_CHUNK))
                                    .toArray());
                    try {
                        ps.setArray(1, array);
                        try (ResultSet rs = ps.executeQuery()) {
                            while (rs.next()) {
                                seqs.put(new JobId(rs.getString(1)), rs.getLong(2));
                            }
                        }
                    } finally {
                        array.free();
                    }
                }
            }
            return seqs;
        });
    }

    private List<JobId> ids(String operation, String sql, String parameter) {
        return inTransaction(operation, c -> {
            try (PreparedStatement ps = c.prepareStatement(sql)) {
                if (parameter != null) {
                    ps.setString(1, parameter);
                }
                List<JobId> ids = new ArrayList<>();
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        ids.add(new JobId(rs.getString(1)));
                    }
                }
                return ids;
            }
        });
    }

    /** The database's clock, which every lease is measured by, so that skewed node clocks change nothing. */
    static Instant databaseNow(Connection c) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT CURRENT_TIMESTAMP");
                ResultSet rs = ps.executeQuery()) {
            rs.next();
            return rs.getObject(1, OffsetDateTime.class).toInstant();
        }
    }

    private Change write(Connection c, Job before, Job after, Instant at) throws SQLException {
        Change change = changeOf(before, after, at);
        writeRows(c, List.<Job[]>of(new Job[] {before, after}));
        insertEvents(c, change.event().stream().toList());
        return change;
    }

    /** What writing {@code after} over {@code before} means: the new version and its one event, if it adds one. */
    private static Change changeOf(Job before, Job after, Instant at) {
        if (after.seq() == before.seq()) {
            return new Change(after, Optional.empty());
        }
        if (after.seq() != before.seq() + 1) {
            throw new IllegalStateException("a change must add exactly one event");
        }
        return new Change(
                after,
                Optional.of(after.event(after.state() == before.state() ? EventKind.PROGRESS : EventKind.STATE, at)));
    }

    /** Each {@code {before, after}}: the row of {@code before}, still at its seq under the lock, becomes {@code after}. */
    private static void writeRows(Connection c, List<Job[]> rows) throws SQLException {
        writeRows(c, rows, "", (ps, first, job) -> first);
    }

    /** The columns a report's heartbeat sets ({@link #setHeard}), to be appended to a row's own. */
    private static final String HEARD_COLUMNS = ", last_report_at = ?, lease_expires_at = ?, last_report_id = ?";

    /** Values a row's UPDATE sets beyond the job's own: from parameter {@code first}; answers the next parameter. */
    @FunctionalInterface
    private interface MoreColumns {
        int set(PreparedStatement ps, int first, Job after) throws SQLException;
    }

    /**
     * Each row from its version before to its version after (the optimistic {@code seq} check under the row lock), and
     * the {@code moreColumns} (", name = ?, ...") each, set by {@code more}, in one JDBC batch.
     */
    private static void writeRows(Connection c, List<Job[]> rows, String moreColumns, MoreColumns more)
            throws SQLException {
        if (rows.isEmpty()) {
            return;
        }
        try (PreparedStatement ps = c.prepareStatement("UPDATE jp_job SET state = ?, seq = ?, progress_done = ?, "
                + "progress_total = ?, progress_message = ?, result = ?, error_kind = ?, error_message = ?, "
                + "started_at = ?, finished_at = ?, cancel_requested = ?, attempt = ?, owner_node = ?" + moreColumns
                + " WHERE id = ? AND seq = ?")) {
            for (Job[] row : rows) {
                Job before = row[0];
                Job after = row[1];
                ps.setString(1, after.state().name());
                ps.setLong(2, after.seq());
                ps.setLong(3, after.progress().done());
                ps.setLong(4, after.progress().total());
                ps.setString(5, after.progress().message());
                ps.setString(6, JobRows.json(after.result()));
                ps.setString(7, after.error() == null ? null : after.error().kind());
                ps.setString(8, after.error() == null ? null : after.error().message());
                JobRows.setInstant(ps, 9, after.startedAt());
                JobRows.setInstant(ps, 10, after.finishedAt());
                ps.setBoolean(11, after.cancelRequested());
                ps.setInt(12, after.attempt());
                ps.setString(13, after.node());
                int next = more.set(ps, 14, after);
                ps.setString(next, after.id().value());
                ps.setLong(next + 1, before.seq());
                ps.addBatch();
            }
            int[] counts = ps.executeBatch();
            for (int i = 0; i < counts.length; i++) {
                // SUCCESS_NO_INFO (-2): the driver ran it but does not say how many rows; the row lock held meanwhile
                if (counts[i] != 1 && counts[i] != Statement.SUCCESS_NO_INFO) {
                    throw new SQLException("job " + rows.get(i)[1].id() + " changed under a row lock");
                }
            }
        }
    }

    private static Optional<Job> selectJob(Connection c, JobId id, boolean lock) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT " + JobRows.JOB_COLUMNS + " FROM jp_job WHERE id = ?" + (lock ? " FOR UPDATE" : ""))) {
            ps.setString(1, id.value());
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(JobRows.job(rs)) : Optional.empty();
            }
        }
    }

    private static Optional<SubmitOutcome> findByKey(Connection c, String owner, IdempotencyKey key)
            throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT request_hash, job_id FROM jp_idempotency_key WHERE owner = ? AND idem_key = ?")) {
            ps.setString(1, owner);
            ps.setString(2, key.key());
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return Optional.empty();
                }
                boolean sameRequest = rs.getString(1).equals(key.requestHash());
                Job job = selectJob(c, new JobId(rs.getString(2)), false).orElseThrow();
                return Optional.of(sameRequest ? new SubmitOutcome.Replayed(job) : new SubmitOutcome.KeyConflict(job));
            }
        }
    }

    private static void insertJob(Connection c, Job job) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO jp_job (" + JobRows.INSERT_COLUMNS
                + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
            ps.setString(1, job.id().value());
            ps.setString(2, job.type());
            ps.setString(3, job.name());
            ps.setString(4, job.owner());
            ps.setString(5, job.state().name());
            ps.setLong(6, job.seq());
            ps.setLong(7, job.progress().done());
            ps.setLong(8, job.progress().total());
            ps.setString(9, job.progress().message());
            ps.setString(10, JobRows.json(job.params()));
            ps.setString(11, JobRows.json(job.result()));
            ps.setString(12, job.error() == null ? null : job.error().kind());
            ps.setString(13, job.error() == null ? null : job.error().message());
            JobRows.setInstant(ps, 14, job.createdAt());
            JobRows.setInstant(ps, 15, job.startedAt());
            JobRows.setInstant(ps, 16, job.finishedAt());
            ps.setBoolean(17, job.cancelRequested());
            ps.setInt(18, job.attempt());
            ps.setString(19, job.node());
            ps.setBoolean(20, job.external());
            ps.executeUpdate();
        }
    }

    private static void insertEvent(Connection c, JobEvent event) throws SQLException {
        insertEvents(c, List.of(event));
    }

    private static void insertEvents(Connection c, List<JobEvent> events) throws SQLException {
        if (events.isEmpty()) {
            return;
        }
        try (PreparedStatement ps = c.prepareStatement(
                "INSERT INTO jp_job_event (" + JobRows.EVENT_COLUMNS + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
            for (JobEvent event : events) {
                JobRows.bindEvent(ps, event);
                ps.addBatch();
            }
            ps.executeBatch();
        }
    }

    private static void insertKey(Connection c, Job job, IdempotencyKey key) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO jp_idempotency_key "
                + "(owner, idem_key, request_hash, job_id, created_at) VALUES (?, ?, ?, ?, ?)")) {
            ps.setString(1, job.owner());
            ps.setString(2, key.key());
            ps.setString(3, key.requestHash());
            ps.setString(4, job.id().value());
            JobRows.setInstant(ps, 5, job.createdAt());
            ps.executeUpdate();
        }
    }

    private static boolean isUniqueViolation(Throwable t) {
        return t instanceof SQLException sql && UNIQUE_VIOLATION.equals(sql.getSQLState());
    }

    private <T> T inTransaction(String operation, Transactions.Work<T> work) {
        return Transactions.run(dataSource, guard, operation, work, metrics::committed);
    }

    /** Counts a committed change in the node's meters; answers it. */
    private Optional<Change> counted(Optional<Change> change) {
        change.ifPresent(c -> count(c.job(), c.event().stream().toList()));
        return change;
    }

    /**
     * Counts committed {@code events} of {@code job} (its version after them): events stored, and a STATE event to
     * RUNNING as a start, one to a terminal state as an end.
     */
    private void count(Job job, List<JobEvent> events) {
        metrics.add(Counter.EVENTS_STORED, events.size());
        for (JobEvent event : events) {
            if (event.kind() != EventKind.STATE) {
                continue;
            }
            if (event.state() == JobState.RUNNING && job.startedAt() != null) {
                metrics.jobs().started(job.type(), Duration.between(job.createdAt(), job.startedAt()));
            } else if (event.state().isTerminal()) {
                Duration ran = job.startedAt() == null || job.finishedAt() == null
                        ? null
                        : Duration.between(job.startedAt(), job.finishedAt());
                metrics.jobs().finished(job.type(), event.state().name(), ran);
            }
        }
    }
}
