package io.jobpulse.store;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Level;
import java.util.logging.Logger;
import javax.sql.DataSource;
import org.h2.engine.SessionLocal;
import org.h2.jdbc.JdbcConnection;
import org.h2.mvstore.MVStore;
import org.h2.mvstore.db.Store;

/**
 * Keeps the embedded H2's file from growing without bound. JobPulse opens it with {@code WRITE_DELAY=0}, so that a
 * commit is in the file when it returns and a killed JVM loses no committed job; but then H2 starts no background
 * writer, and that thread is the only one that rewrites the live pages of old chunks so that the chunks can be reused
 * (H2 2.3.232: {@code FileStore.setAutoCommitDelay} starts it only for a delay above 0; {@code writeInBackground} →
 * {@code RandomAccessStore.doHousekeeping}). Each commit writes a chunk; under steady progress no chunk ever empties
 * on its own, and the file grew by 55 MB a second in the benchmark (to 46 GB, a full disk). So this does the
 * housekeeping's work: every {@link #PERIOD} it asks the store to rewrite a little of the emptiest chunks ({@link
 * MVStore#compact}, at most a quarter of the store's auto-commit buffer a call, so that no commit waits long for it).
 *
 * <p>It reaches H2's store through H2's own classes (the WAR bundles that H2; {@code EmbeddedH2CompactionTest}
 * checks the file stays bounded). Anything that fails is logged and tried again at the next period.
 */
final class EmbeddedH2Compaction implements AutoCloseable {

    static final Duration PERIOD = Duration.ofMillis(200);
    /** Chunks less full than this are rewritten. */
    static final int TARGET_FILL_RATE = 80;

    private static final Logger LOG = Logger.getLogger(EmbeddedH2Compaction.class.getName());
    private static final long WARN_EVERY_NANOS = TimeUnit.MINUTES.toNanos(1);

    private final DataSource dataSource;
    private final AtomicLong lastWarned = new AtomicLong(System.nanoTime() - WARN_EVERY_NANOS);
    private ScheduledFuture<?> task;

    EmbeddedH2Compaction(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    /** Compacts every {@link #PERIOD} on {@code timer}, until {@link #close}. */
    EmbeddedH2Compaction start(ScheduledExecutorService timer) {
        task = timer.scheduleWithFixedDelay(
                this::compactOnce, PERIOD.toMillis(), PERIOD.toMillis(), TimeUnit.MILLISECONDS);
        return this;
    }

    /** One step of compaction; false when there was no store to compact (closed, or not an embedded H2). */
    boolean compactOnce() {
        try (Connection connection = dataSource.getConnection()) {
            Optional<MVStore> store = mvStore(connection);
            if (store.isEmpty() || store.get().isClosed()) {
                return false;
            }
            MVStore mv = store.get();
            mv.compact(TARGET_FILL_RATE, Math.max(1, mv.getAutoCommitMemory() / 4));
            return true;
        } catch (SQLException | RuntimeException e) {
            long now = System.nanoTime();
            long last = lastWarned.get();
            boolean warn = now - last >= WARN_EVERY_NANOS && lastWarned.compareAndSet(last, now);
            LOG.log(
                    warn ? Level.WARNING : Level.FINE,
                    e,
                    () -> "Compacting the embedded H2 database failed; trying again in " + PERIOD.toMillis() + " ms");
            return false;
        }
    }

    private static Optional<MVStore> mvStore(Connection connection) throws SQLException {
        if (!(connection.unwrap(JdbcConnection.class).getSession() instanceof SessionLocal session)) {
            return Optional.empty(); // a remote H2 (tcp): its server does its own housekeeping
        }
        Store store = session.getDatabase().getStore();
        return store == null ? Optional.empty() : Optional.of(store.getMvStore());
    }

    @Override
    public void close() {
        if (task != null) {
            task.cancel(false);
        }
    }
}
