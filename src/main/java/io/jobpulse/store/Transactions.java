package io.jobpulse.store;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLNonTransientConnectionException;
import java.sql.SQLTransientConnectionException;
import java.sql.Statement;
import java.util.Optional;
import java.util.function.LongConsumer;
import javax.sql.DataSource;

/** One short local transaction on a pooled connection, the way every store method runs. */
final class Transactions {

    private Transactions() {}

    @FunctionalInterface
    interface Work<T> {
        T run(Connection c) throws SQLException;
    }

    /** Runs {@code work} and commits, or rolls back and throws {@link StoreException} naming {@code operation}. */
    static <T> T run(DataSource dataSource, String operation, Work<T> work) {
        return run(dataSource, Optional.empty(), operation, work);
    }

    /** {@link #run(DataSource, String, Work)}, running {@code guard} first in the transaction when there is one. */
    static <T> T run(DataSource dataSource, Optional<String> guard, String operation, Work<T> work) {
        return run(dataSource, guard, operation, work, nanos -> {});
    }

    /** {@link #run(DataSource, Optional, String, Work)}, telling {@code commitTook} how long its COMMIT took. */
    static <T> T run(
            DataSource dataSource, Optional<String> guard, String operation, Work<T> work, LongConsumer commitTook) {
        Connection opened;
        try {
            opened = dataSource.getConnection();
        } catch (SQLException | IllegalStateException e) { // H2's pool: IllegalStateException once disposed
            throw new StoreUnavailableException(operation, e);
        }
        try (Connection c = opened) {
            boolean autoCommit = c.getAutoCommit();
            c.setAutoCommit(false);
            try {
                if (guard.isPresent()) {
                    try (Statement s = c.createStatement()) {
                        s.execute(guard.get());
                    }
                }
                T result = work.run(c);
                long start = System.nanoTime();
                c.commit();
                commitTook.accept(System.nanoTime() - start);
                return result;
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            } finally {
                c.setAutoCommit(autoCommit);
            }
        } catch (SQLException e) {
            throw unavailable(e) ? new StoreUnavailableException(operation, e) : new StoreException(operation, e);
        }
    }

    /**
     * SQLSTATE class 08 (connection exception), 57P (operator intervention: the server shuts down or is starting) and
     * 53300 (too many connections), anywhere in the chain.
     */
    static boolean unavailable(SQLException failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof SQLTransientConnectionException || t instanceof SQLNonTransientConnectionException) {
                return true;
            }
            if (t instanceof SQLException sql && sql.getSQLState() != null) {
                String state = sql.getSQLState();
                if (state.startsWith("08") || state.startsWith("57P") || state.equals("53300")) {
                    return true;
                }
            }
        }
        return false;
    }
}
