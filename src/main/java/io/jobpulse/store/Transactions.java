package io.jobpulse.store;

import java.sql.Connection;
import java.sql.SQLException;
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
        try (Connection c = dataSource.getConnection()) {
            boolean autoCommit = c.getAutoCommit();
            c.setAutoCommit(false);
            try {
                T result = work.run(c);
                c.commit();
                return result;
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            } finally {
                c.setAutoCommit(autoCommit);
            }
        } catch (SQLException e) {
            throw new StoreException(operation, e);
        }
    }
}
