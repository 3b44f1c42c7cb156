package io.jobpulse.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import javax.sql.DataSource;
import org.h2.engine.SessionLocal;
import org.h2.jdbc.JdbcConnection;
import org.h2.jdbcx.JdbcConnectionPool;
import org.h2.mvstore.MVStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The embedded H2's pool: what it hands out, what it takes back, and that neither writes H2's store. */
class EmbeddedPoolTest {

    @TempDir
    Path dir;

    private String url;
    private EmbeddedPool pool;

    @BeforeEach
    void open() throws SQLException {
        url = "jdbc:h2:file:" + dir.resolve("jobs").toAbsolutePath() + ";WRITE_DELAY=0";
        pool = new EmbeddedPool(url, "sa", 2, Duration.ofMillis(300));
        try (Connection c = pool.getConnection();
                Statement s = c.createStatement()) {
            s.execute("CREATE TABLE job(id INT PRIMARY KEY, done BIGINT)");
        }
    }

    @AfterEach
    void close() {
        pool.close();
    }

    @Test
    void transactionsOnPooledConnectionsWriteTheStoreOnlyWhenTheyCommitChanges() throws Exception {
        try (Connection writer = pool.getConnection()) {
            writer.setAutoCommit(false);
            try (Statement s = writer.createStatement()) {
                s.execute("INSERT INTO job SELECT X, 0 FROM SYSTEM_RANGE(1, 1000)"); // not committed: unsaved pages
            }
            MVStore store = store(writer);
            long before = store.getCurrentVersion();

            for (int i = 0; i < 5; i++) {
                readInATransaction(pool);
            }
            assertThat(store.getCurrentVersion())
                    .as("store versions written by five read transactions on this pool")
                    .isEqualTo(before);

            // H2's own pool rolls back each connection it hands out and takes back: a store write each time
            JdbcConnectionPool h2Pool = JdbcConnectionPool.create(url, "sa", "");
            try {
                readInATransaction(h2Pool);
            } finally {
                h2Pool.dispose();
            }
            assertThat(store.getCurrentVersion())
                    .as("store versions written by one read transaction on H2's pool")
                    .isGreaterThan(before);
            writer.rollback();
        }
    }

    @Test
    void aConnectionGivenBackWithItsTransactionOpenIsRolledBackAndHandedOutAgain() throws Exception {
        JdbcConnection first;
        try (Connection c = pool.getConnection()) {
            first = c.unwrap(JdbcConnection.class);
            c.setAutoCommit(false);
            try (Statement s = c.createStatement()) {
                s.execute("INSERT INTO job VALUES (1, 10)");
            }
        } // neither committed nor rolled back

        try (Connection c = pool.getConnection();
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM job")) {
            assertThat(c.unwrap(JdbcConnection.class)).isSameAs(first);
            assertThat(c.getAutoCommit()).isTrue();
            rs.next();
            assertThat(rs.getInt(1)).isZero();
        }
    }

    @Test
    void aBorrowerWaitsAtMostTheTimeoutWhenEveryConnectionIsOut() throws Exception {
        try (Connection a = pool.getConnection();
                Connection b = pool.getConnection()) {
            long start = System.nanoTime();
            assertThatThrownBy(pool::getConnection)
                    .isInstanceOfSatisfying(
                            SQLException.class, e -> assertThat(e.getSQLState()).isEqualTo("08001"))
                    .satisfies(e -> assertThat(Transactions.unavailable((SQLException) e))
                            .isTrue());
            assertThat(Duration.ofNanos(System.nanoTime() - start))
                    .isBetween(Duration.ofMillis(250), Duration.ofSeconds(10));
        }
        try (Connection again = pool.getConnection()) {
            assertThat(again.isValid(1)).isTrue(); // both came back
        }
    }

    @Test
    void aClosedHandleRefusesUseAndTheClosedPoolRefusesBorrowersAndClosesWhatComesBack() throws Exception {
        Connection handle = pool.getConnection();
        JdbcConnection physical = handle.unwrap(JdbcConnection.class);
        Connection borrowed = pool.getConnection();
        JdbcConnection stillOut = borrowed.unwrap(JdbcConnection.class);
        handle.close();
        handle.close(); // a second close gives nothing back twice

        assertThat(handle.isClosed()).isTrue();
        assertThatThrownBy(handle::createStatement)
                .isInstanceOfSatisfying(
                        SQLException.class, e -> assertThat(e.getSQLState()).isEqualTo("08003"));

        pool.close();
        assertThat(physical.isClosed()).as("the idle connection, at close").isTrue();
        assertThat(stillOut.isClosed())
                .as("the borrowed one, until it comes back")
                .isFalse();
        borrowed.close();
        assertThat(stillOut.isClosed())
                .as("the borrowed one, once it came back")
                .isTrue();
        assertThatThrownBy(pool::getConnection)
                .isInstanceOfSatisfying(
                        SQLException.class, e -> assertThat(e.getSQLState()).isEqualTo("08003"));
    }

    /** What {@link Transactions#run} does for a read: autocommit off, a query, commit, autocommit back on, close. */
    private static void readInATransaction(DataSource source) throws SQLException {
        try (Connection c = source.getConnection()) {
            c.setAutoCommit(false);
            try (Statement s = c.createStatement();
                    ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM job")) {
                rs.next();
            }
            c.commit();
            c.setAutoCommit(true);
        }
    }

    private static MVStore store(Connection c) throws SQLException {
        SessionLocal session = (SessionLocal) c.unwrap(JdbcConnection.class).getSession();
        return session.getDatabase().getStore().getMvStore();
    }
}
