package io.jobpulse.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A node paused in the middle of a transaction (GC, SIGSTOP) must not hold its row locks for as long as it is paused:
 * with the transaction guard PostgreSQL ends the idle session, and another node can lock the row (to recover or cancel
 * the job) soon after.
 */
@Timeout(60)
class PausedTransactionTest {

    private static EmbeddedPostgres postgres;
    private static DataSource db;

    @BeforeAll
    static void start() throws Exception {
        postgres = EmbeddedPostgres.builder().start();
        db = postgres.getPostgresDatabase();
        try (Connection c = db.getConnection();
                Statement s = c.createStatement()) {
            s.execute("CREATE TABLE paused (id INT PRIMARY KEY)");
            s.execute("INSERT INTO paused VALUES (1)");
        }
    }

    @AfterAll
    static void stop() throws Exception {
        if (postgres != null) {
            postgres.close();
        }
    }

    @Test
    void aTransactionPausedPastTheGuardLosesItsSessionAndItsLocks() throws Exception {
        CountDownLatch locked = new CountDownLatch(1);
        CountDownLatch resume = new CountDownLatch(1);
        CompletableFuture<Void> paused = CompletableFuture.runAsync(() -> Transactions.run(
                db,
                Optional.of("SET LOCAL idle_in_transaction_session_timeout = '300ms'"),
                "hold a row lock while paused",
                c -> {
                    try (PreparedStatement ps = c.prepareStatement("SELECT id FROM paused WHERE id = 1 FOR UPDATE")) {
                        ps.executeQuery().close();
                    }
                    locked.countDown();
                    try {
                        resume.await(30, TimeUnit.SECONDS); // the node is paused until the other one took the row
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    try (PreparedStatement ps = c.prepareStatement("UPDATE paused SET id = 1 WHERE id = 1")) {
                        ps.executeUpdate(); // its late write, after the pause
                    }
                    return null;
                }));
        assertThat(locked.await(10, TimeUnit.SECONDS)).isTrue();

        long start = System.nanoTime();
        try (Connection other = db.getConnection()) {
            other.setAutoCommit(false);
            try (Statement s = other.createStatement()) {
                s.execute("SET LOCAL lock_timeout = '20s'");
                s.executeQuery("SELECT id FROM paused WHERE id = 1 FOR UPDATE").close();
            }
            other.commit();
        }
        Duration waited = Duration.ofNanos(System.nanoTime() - start);
        resume.countDown();

        assertThat(waited)
                .as("the lock came free once the paused session was ended")
                .isLessThan(Duration.ofSeconds(10));
        assertThatExceptionOfType(java.util.concurrent.CompletionException.class)
                .isThrownBy(paused::join)
                .withCauseInstanceOf(StoreException.class);
    }
}
