package io.jobpulse.store;

import io.jobpulse.job.JobId;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.Reader;
import java.io.StringReader;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import javax.sql.DataSource;
import org.postgresql.PGConnection;

/**
 * The retention pass of the benchmark ({@code mvn -Pbench verify}, {@code -Dbench.retention=postgres}; docs/performance.md,
 * "Retention"), a data generator and not a test: {@code java io.jobpulse.store.RetentionVolume OUT_DIR [JOBS]
 * [EVENTS_PER_JOB]} starts an embedded PostgreSQL, fills it with {@code JOBS} (1 000) ended jobs of
 * {@code EVENTS_PER_JOB} (1 000) events each (QUEUED, RUNNING, progress, SUCCEEDED) with {@code COPY}, and runs
 * {@link Retention} on them as the sweeper does: the compaction of a first million events, then the deletion of a second
 * million (jobs whose events were never compacted, the worst case). It measures the rows per second of each against the
 * rows per second of the {@code COPY} that loaded them (the reference, measured in the same run on the same database),
 * checks what is left, and writes {@code OUT_DIR/retention.json} and {@code retention.md}. It times nothing that it
 * asserts: the figures are what this machine gave.
 */
public final class RetentionVolume {

    private static final Instant ENDED = Instant.parse("2026-01-01T00:00:00Z");

    private RetentionVolume() {}

    public static void main(String[] args) throws Exception {
        Path out = Path.of(args[0]);
        int jobs = args.length > 1 ? Integer.parseInt(args[1]) : 1000;
        int perJob = args.length > 2 ? Integer.parseInt(args[2]) : 1000;
        Files.createDirectories(out);
        try (EmbeddedPostgres postgres = EmbeddedPostgres.builder().start();
                Connection held = postgres.getPostgresDatabase().getConnection()) {
            Database.migrate(postgres.getPostgresDatabase());
            DataSource db = pooled(held);
            Retention retention = new Retention(db, true, Retention.BATCH_ROWS);
            Map<String, Object> r = new LinkedHashMap<>();
            r.put("jobs", jobs);
            r.put("eventsPerJob", perJob);
            r.put("batchRows", Retention.BATCH_ROWS);

            Rate loadA = load(db, jobs, perJob, "a");
            Rate compaction = drain(retention::compactBatch, ENDED.plusSeconds(1));
            long leftA = count(db, "jp_job_event");
            r.put("copyA", loadA.map());
            r.put("compaction", compaction.map());
            r.put("eventsLeftAfterCompaction", leftA);
            r.put("eventsLeftExpected", (long) jobs * 4);

            Rate loadB = load(db, jobs, perJob, "b");
            Rate deletion = drain(retention::deleteBatch, ENDED.plusSeconds(1));
            r.put("copyB", loadB.map());
            r.put("deletion", deletion.map());
            r.put("jobsLeftAfterDeletion", count(db, "jp_job"));
            r.put("eventsLeftAfterDeletion", count(db, "jp_job_event"));
            r.put("keysLeftAfterDeletion", count(db, "jp_idempotency_key"));

            double reference = (loadA.rowsPerSecond() + loadB.rowsPerSecond()) / 2;
            r.put("copyRowsPerSecond", Math.round(reference));
            r.put("compactionRatio", round(compaction.rowsPerSecond() / reference));
            r.put("deletionRatio", round(deletion.rowsPerSecond() / reference));
            r.put("cores", Runtime.getRuntime().availableProcessors());
            r.put("loadAverage", firstLine(Path.of("/proc/loadavg")));
            Files.writeString(out.resolve("retention.json"), json(r) + "\n");
            Files.writeString(out.resolve("retention.md"), markdown(r, loadA, loadB, compaction, deletion));
            System.out.println(json(r));
        }
    }

    /** A number of rows changed in a time. */
    record Rate(long rows, long batches, long nanos) {
        double rowsPerSecond() {
            return rows * 1e9 / Math.max(1, nanos);
        }

        Map<String, Object> map() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("rows", rows);
            m.put("transactions", batches);
            m.put("seconds", round(nanos / 1e9));
            m.put("rowsPerSecond", Math.round(rowsPerSecond()));
            return m;
        }
    }

    /**
     * Loads {@code jobs} ended jobs of {@code perJob} events, each with an idempotency key, with three {@code COPY}s
     * in one transaction; the rows are every row written (jobs, events, keys).
     */
    private static Rate load(DataSource db, int jobs, int perJob, String tag) throws SQLException, IOException {
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < jobs; i++) {
            ids.add(JobId.random().value());
        }
        String at = ENDED.toString();
        long start = System.nanoTime();
        try (Connection c = db.getConnection()) {
            c.setAutoCommit(false);
            var copy = c.unwrap(PGConnection.class).getCopyAPI();
            StringBuilder rows = new StringBuilder();
            for (String id : ids) {
                rows.append(id)
                        .append("\tsteps\tvolume ")
                        .append(tag)
                        .append("\tbench\tSUCCEEDED\t")
                        .append(perJob)
                        .append('\t')
                        .append(perJob - 3)
                        .append('\t')
                        .append(perJob - 3)
                        .append("\tdone\t{}\t")
                        .append(at)
                        .append('\t')
                        .append(at)
                        .append('\t')
                        .append(at)
                        .append("\tf\t1\n");
            }
            copy.copyIn(
                    "COPY jp_job (id, job_type, job_name, owner, state, seq, progress_done, progress_total,"
                            + " progress_message, params, created_at, started_at, finished_at, cancel_requested, attempt)"
                            + " FROM STDIN",
                    reader(rows));
            copy.copyIn(
                    "COPY jp_job_event (job_id, seq, kind, state, progress_done, progress_total, progress_message,"
                            + " occurred_at) FROM STDIN",
                    new EventRows(ids, perJob, at));
            rows.setLength(0);
            for (String id : ids) {
                rows.append("bench\t")
                        .append(tag)
                        .append('-')
                        .append(id)
                        .append("\th\t")
                        .append(id)
                        .append('\t')
                        .append(at)
                        .append('\n');
            }
            copy.copyIn(
                    "COPY jp_idempotency_key (owner, idem_key, request_hash, job_id, created_at) FROM STDIN",
                    reader(rows));
            c.commit();
            c.setAutoCommit(true);
        }
        long nanos = System.nanoTime() - start;
        return new Rate((long) jobs * (perJob + 2), 3, nanos);
    }

    /** Every batch until one finds nothing; the rows are every row deleted or marked. */
    private static Rate drain(Function<Instant, Retention.Batch> batch, Instant before) {
        long rows = 0;
        long batches = 0;
        long start = System.nanoTime();
        while (true) {
            Retention.Batch b = batch.apply(before);
            batches++;
            rows += b.jobs() + b.events();
            if (b.locked()) {
                throw new IllegalStateException("nobody else sweeps here, yet the lock was taken");
            }
            if (!b.more() && b.jobs() == 0 && b.events() == 0) {
                return new Rate(rows, batches, System.nanoTime() - start);
            }
        }
    }

    /** The events of the jobs as COPY text, made as COPY reads them (a million rows never sit in memory). */
    private static final class EventRows extends Reader {
        private final List<String> ids;
        private final int perJob;
        private final String at;
        private int job;
        private int seq = 1;
        private String pending = "";
        private int pos;

        EventRows(List<String> ids, int perJob, String at) {
            this.ids = ids;
            this.perJob = perJob;
            this.at = at;
        }

        @Override
        public int read(char[] buf, int off, int len) {
            if (pos == pending.length()) {
                if (job == ids.size()) {
                    return -1;
                }
                pending = next();
                pos = 0;
            }
            int n = Math.min(len, pending.length() - pos);
            pending.getChars(pos, pos + n, buf, off);
            pos += n;
            return n;
        }

        private String next() {
            String id = ids.get(job);
            int total = perJob - 3;
            String line;
            if (seq == 1) {
                line = id + "\t1\tSTATE\tQUEUED\t0\t" + total + "\t\t" + at + "\n";
            } else if (seq == 2) {
                line = id + "\t2\tSTATE\tRUNNING\t0\t" + total + "\t\t" + at + "\n";
            } else if (seq < perJob) {
                line = id + "\t" + seq + "\tPROGRESS\tRUNNING\t" + (seq - 2) + "\t" + total + "\tstep " + (seq - 2)
                        + "\t" + at + "\n";
            } else {
                line = id + "\t" + seq + "\tSTATE\tSUCCEEDED\t" + total + "\t" + total + "\tdone\t" + at + "\n";
            }
            if (seq == perJob) {
                seq = 1;
                job++;
            } else {
                seq++;
            }
            return line;
        }

        @Override
        public void close() {}
    }

    /**
     * One connection, handed out again and again and never closed by its users, as a pool of one would: a node's
     * DataSource is a pool, while zonky's DataSource opens a new connection (a new PostgreSQL backend, tens of
     * milliseconds on a busy machine) for every transaction, which is not what a node pays per batch.
     */
    private static DataSource pooled(Connection connection) {
        Connection kept = (Connection) Proxy.newProxyInstance(
                RetentionVolume.class.getClassLoader(), new Class<?>[] {Connection.class}, (proxy, method, args) -> {
                    if (method.getName().equals("close")) {
                        return null;
                    }
                    try {
                        return method.invoke(connection, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
        return (DataSource) Proxy.newProxyInstance(
                RetentionVolume.class.getClassLoader(), new Class<?>[] {DataSource.class}, (proxy, method, args) -> {
                    if (method.getName().equals("getConnection")) {
                        return kept;
                    }
                    throw new UnsupportedOperationException(method.getName());
                });
    }

    private static Reader reader(CharSequence text) {
        return new StringReader(text.toString());
    }

    private static long count(DataSource db, String table) throws SQLException {
        try (Connection c = db.getConnection();
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM " + table)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private static String markdown(Map<String, Object> r, Rate loadA, Rate loadB, Rate compaction, Rate deletion) {
        return String.format(
                Locale.ROOT,
                """
                | step (embedded PostgreSQL, %s jobs x %s events) | rows | transactions | s | rows/s | / COPY |
                | --- | ---: | ---: | ---: | ---: | ---: |
                | COPY, first load (reference) | %d | %d | %.2f | %.0f | |
                | compaction (%s rows per transaction) | %d | %d | %.2f | %.0f | %s |
                | COPY, second load (reference) | %d | %d | %.2f | %.0f | |
                | deletion, never compacted | %d | %d | %.2f | %.0f | %s |

                Events left after compaction: %s (expected %s); jobs, events and keys left after deletion: %s, %s, %s.
                Load average at the end: %s on %s cores.
                """,
                r.get("jobs"),
                r.get("eventsPerJob"),
                loadA.rows(),
                loadA.batches(),
                loadA.nanos() / 1e9,
                loadA.rowsPerSecond(),
                r.get("batchRows"),
                compaction.rows(),
                compaction.batches(),
                compaction.nanos() / 1e9,
                compaction.rowsPerSecond(),
                r.get("compactionRatio"),
                loadB.rows(),
                loadB.batches(),
                loadB.nanos() / 1e9,
                loadB.rowsPerSecond(),
                deletion.rows(),
                deletion.batches(),
                deletion.nanos() / 1e9,
                deletion.rowsPerSecond(),
                r.get("deletionRatio"),
                r.get("eventsLeftAfterCompaction"),
                r.get("eventsLeftExpected"),
                r.get("jobsLeftAfterDeletion"),
                r.get("eventsLeftAfterDeletion"),
                r.get("keysLeftAfterDeletion"),
                r.get("loadAverage"),
                r.get("cores"));
    }

    @SuppressWarnings("unchecked")
    private static String json(Object o) {
        if (o instanceof Map<?, ?> m) {
            StringBuilder b = new StringBuilder("{");
            ((Map<String, Object>) m)
                    .forEach((k, v) -> b.append(b.length() > 1 ? "," : "")
                            .append('"')
                            .append(k)
                            .append("\":")
                            .append(json(v)));
            return b.append('}').toString();
        }
        return o instanceof Number || o instanceof Boolean ? o.toString() : "\"" + o + "\"";
    }

    private static double round(double d) {
        return Math.round(d * 1000) / 1000.0;
    }

    private static String firstLine(Path file) {
        try {
            return Files.readAllLines(file).get(0);
        } catch (IOException | IndexOutOfBoundsException e) {
            return "unknown";
        }
    }
}
