package io.jobpulse.store;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import javax.sql.DataSource;

/**
 * Every client's jobs for operators ({@code GET /api/admin/jobs}): newest first (by row number, the order of
 * submission), narrowed by a {@link JobFilter}, in pages with a keyset cursor (the last row number shown: never an
 * OFFSET), so that paging costs the same on the millionth job as on the first. State, type and owner are served by
 * the indexes on {@code (state, row_no)}, {@code (job_type, row_no)} and {@code (owner, row_no)}; the time range by
 * the one on {@code created_at} (V1, V6).
 *
 * <p>A name search (a substring, ignoring case) can use no index portably, so it is bounded: one page looks at most
 * at {@link #SEARCH_WINDOW} rows, the ones just below the cursor. When those hold fewer matches than the page's size
 * and older rows remain, the page is short (empty even) and still has a next cursor, where the next window starts.
 */
@ApplicationScoped
public class JdbcJobListing {

    /** Rows one page of a name search looks at, at most. */
    public static final int SEARCH_WINDOW = 10_000;

    private DataSource dataSource;
    private Optional<String> guard = Optional.empty();
    private int searchWindow = SEARCH_WINDOW;

    protected JdbcJobListing() {
        // for CDI proxies
    }

    @Inject
    public JdbcJobListing(Database database) {
        this.dataSource = database.dataSource();
        this.guard = database.transactionGuard();
    }

    /** On {@code dataSource}, a name search looking at {@code searchWindow} rows per page. */
    public JdbcJobListing(DataSource dataSource, int searchWindow) {
        this.dataSource = dataSource;
        this.searchWindow = searchWindow;
    }

    /** One page of the jobs {@code filter} admits, newest first; {@code before} is the cursor of the previous page. */
    public JobPage list(JobFilter filter, int limit, Optional<Long> before) {
        return Transactions.run(dataSource, guard, "list every client's jobs", c -> {
            if (filter.nameContains().isEmpty()) {
                return page(c, filter, limit, before, Optional.empty());
            }
            Optional<Long> newest = bound(c, "MAX");
            if (newest.isEmpty()) {
                return new JobPage(List.of(), Optional.empty());
            }
            long top = before.orElse(newest.get() + 1);
            long floor = top - searchWindow;
            JobPage page = page(c, filter, limit, Optional.of(top), Optional.of(floor));
            if (page.nextCursor().isPresent()) {
                return page;
            }
            boolean older = bound(c, "MIN").map(oldest -> oldest < floor).orElse(false);
            return older ? new JobPage(page.jobs(), Optional.of(floor)) : page;
        });
    }

    private static JobPage page(Connection c, JobFilter filter, int limit, Optional<Long> before, Optional<Long> floor)
            throws SQLException {
        StringBuilder sql = new StringBuilder("SELECT row_no, " + JobRows.JOB_COLUMNS + " FROM jp_job WHERE 1 = 1");
        List<Binder> binds = new ArrayList<>();
        filter.state()
                .ifPresent(state -> where(sql, binds, " AND state = ?", (ps, i) -> ps.setString(i, state.name())));
        filter.type().ifPresent(type -> where(sql, binds, " AND job_type = ?", (ps, i) -> ps.setString(i, type)));
        filter.owner().ifPresent(owner -> where(sql, binds, " AND owner = ?", (ps, i) -> ps.setString(i, owner)));
        filter.from().ifPresent(from -> where(sql, binds, " AND created_at >= ?", instant(from)));
        filter.to().ifPresent(to -> where(sql, binds, " AND created_at < ?", instant(to)));
        filter.nameContains()
                .ifPresent(text -> where(
                        sql,
                        binds,
                        " AND LOWER(job_name) LIKE ? ESCAPE '!'",
                        (ps, i) -> ps.setString(i, "%" + likeEscaped(text.toLowerCase(Locale.ROOT)) + "%")));
        before.ifPresent(row -> where(sql, binds, " AND row_no < ?", (ps, i) -> ps.setLong(i, row)));
        floor.ifPresent(row -> where(sql, binds, " AND row_no >= ?", (ps, i) -> ps.setLong(i, row)));
        sql.append(" ORDER BY row_no DESC FETCH FIRST ? ROWS ONLY");
        try (PreparedStatement ps = c.prepareStatement(sql.toString())) {
            int i = 1;
            for (Binder bind : binds) {
                bind.bind(ps, i++);
            }
            ps.setInt(i, limit + 1);
            return JobPage.read(ps, limit);
        }
    }

    /** {@code MAX} or {@code MIN} of the row numbers (the unique index on row_no answers it); empty with no jobs. */
    private static Optional<Long> bound(Connection c, String function) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT " + function + "(row_no) FROM jp_job");
                ResultSet rs = ps.executeQuery()) {
            rs.next();
            long value = rs.getLong(1);
            return rs.wasNull() ? Optional.empty() : Optional.of(value);
        }
    }

    /** {@code text} as a literal inside a LIKE pattern with escape character {@code !}. */
    static String likeEscaped(String text) {
        return text.replace("!", "!!").replace("%", "!%").replace("_", "!_");
    }

    private static void where(StringBuilder sql, List<Binder> binds, String condition, Binder bind) {
        sql.append(condition);
        binds.add(bind);
    }

    private static Binder instant(Instant value) {
        return (ps, i) -> JobRows.setInstant(ps, i, value);
    }

    @FunctionalInterface
    private interface Binder {
        void bind(PreparedStatement ps, int index) throws SQLException;
    }
}
