package io.jobpulse.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import org.junit.jupiter.api.Test;
import org.postgresql.ds.PGSimpleDataSource;

/** A database that cannot be reached is told apart from a statement that failed (503 versus 500 in the API). */
class TransactionsTest {

    @Test
    void aDatabaseNobodyListensOnIsUnavailable() {
        PGSimpleDataSource nowhere = new PGSimpleDataSource();
        nowhere.setServerNames(new String[] {"127.0.0.1"});
        nowhere.setPortNumbers(new int[] {1});
        nowhere.setConnectTimeout(2);

        assertThatExceptionOfType(StoreUnavailableException.class)
                .isThrownBy(() -> new JdbcJobStore(nowhere).countQueued("alice"))
                .withMessageContaining("count queued jobs");
    }

    @Test
    void connectionAndShutdownStatesAreUnavailableOthersAreNot() {
        assertThat(Transactions.unavailable(new SQLException("lost", "08006"))).isTrue();
        assertThat(Transactions.unavailable(new SQLException("admin shutdown", "57P01")))
                .isTrue();
        assertThat(Transactions.unavailable(new SQLException("too many", "53300")))
                .isTrue();
        assertThat(Transactions.unavailable(new SQLTransientConnectionException("pool timeout")))
                .isTrue();
        assertThat(Transactions.unavailable(new SQLException("wrapped", null, new SQLException("io", "08001"))))
                .isTrue();
        assertThat(Transactions.unavailable(new SQLException("duplicate key", "23505")))
                .isFalse();
        assertThat(Transactions.unavailable(new SQLException("no state"))).isFalse();
    }
}
