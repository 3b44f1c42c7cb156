package io.jobpulse.store;

import java.io.PrintWriter;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.sql.SQLNonTransientConnectionException;
import java.sql.SQLTransientConnectionException;
import java.time.Duration;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;
import javax.sql.DataSource;
import org.h2.jdbc.JdbcConnection;
import org.h2.jdbcx.JdbcDataSource;

/**
 * The embedded H2's connection pool: at most {@code size} connections, each handed out to one borrower at a time and
 * kept open between borrowers. It replaces H2's own {@code JdbcConnectionPool}, which rolls back every connection
 * when it is handed out and again when it is returned. With {@code WRITE_DELAY=0} (a commit is in the file when it
 * returns) every H2 {@code ROLLBACK} writes the store: a new chunk of every page changed since the last write,
 * including the pages other transactions are changing at that moment. Two such writes for every transaction took a
 * fifth of the node's CPU in the benchmark's reports pass, and wrote the same job pages several times for every
 * commit. This pool rolls back only a connection returned with a transaction still open (never, from {@link
 * Transactions}, which always ends its own).
 *
 * <p>A borrower that waits longer than {@code timeout} for a connection gets an {@link SQLTransientConnectionException}
 * (SQLState 08001), as the store does when PostgreSQL refuses connections. {@link #close} closes the idle connections
 * and each borrowed one when it comes back; borrowing after that fails with SQLState 08003.
 */
final class EmbeddedPool implements DataSource, AutoCloseable {

    private static final Logger LOG = Logger.getLogger(EmbeddedPool.class.getName());

    private final JdbcDataSource h2;
    private final Semaphore permits;
    private final ConcurrentLinkedQueue<Connection> idle = new ConcurrentLinkedQueue<>();
    private final Duration timeout;
    private volatile boolean closed;

    EmbeddedPool(String url, String user, int size, Duration timeout) {
        this.h2 = new JdbcDataSource();
        h2.setURL(url);
        h2.setUser(user);
        h2.setPassword("");
        this.permits = new Semaphore(size, true);
        this.timeout = timeout;
    }

    @Override
    public Connection getConnection() throws SQLException {
        if (closed) {
            throw new SQLNonTransientConnectionException("The embedded H2 is closed", "08003");
        }
        try {
            if (!permits.tryAcquire(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                throw new SQLTransientConnectionException(
                        "No connection of the embedded H2 came free within " + timeout.toMillis() + " ms", "08001");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SQLTransientConnectionException("Interrupted while waiting for a connection", "08001", e);
        }
        try {
            Connection physical = idle.poll();
            if (physical == null || physical.isClosed()) {
                physical = h2.getConnection();
            }
            return lease(physical);
        } catch (SQLException | RuntimeException e) {
            permits.release();
            throw e;
        }
    }

    @Override
    public Connection getConnection(String username, String password) throws SQLException {
        throw new SQLFeatureNotSupportedException("The embedded H2 has one user");
    }

    /** Closes the idle connections now and the borrowed ones as they come back; the database closes with the last. */
    @Override
    public void close() {
        closed = true;
        for (Connection c; (c = idle.poll()) != null; ) {
            closeQuietly(c);
        }
    }

    /** Takes {@code physical} back: open transactions rolled back, auto-commit on, then idle (or closed). */
    private void giveBack(Connection physical) {
        try {
            if (!physical.isClosed()) {
                if (physical.unwrap(JdbcConnection.class).getSession().hasPendingTransaction()) {
                    physical.rollback();
                }
                if (!physical.getAutoCommit()) {
                    physical.setAutoCommit(true);
                }
                if (!closed) {
                    idle.add(physical);
                    return;
                }
            }
            closeQuietly(physical);
        } catch (SQLException | RuntimeException e) {
            LOG.log(Level.FINE, e, () -> "An embedded H2 connection could not be reset; it is closed");
            closeQuietly(physical);
        } finally {
            permits.release();
            if (closed) {
                close(); // a connection that came back idle while close() ran
            }
        }
    }

    private static void closeQuietly(Connection c) {
        try {
            c.close();
        } catch (SQLException e) {
            LOG.log(Level.FINE, e, () -> "Closing an embedded H2 connection failed");
        }
    }

    /** A handle on {@code physical} whose {@code close} gives it back; any use after that fails as a closed one. */
    private Connection lease(Connection physical) {
        InvocationHandler handler = new InvocationHandler() {
            private boolean returned;

            @Override
            public synchronized Object invoke(Object proxy, Method method, Object[] args) throws Throwable {
                switch (method.getName()) {
                    case "close":
                        if (!returned) {
                            returned = true;
                            giveBack(physical);
                        }
                        return null;
                    case "isClosed":
                        return returned || physical.isClosed();
                    case "equals":
                        return proxy == args[0];
                    case "hashCode":
                        return System.identityHashCode(proxy);
                    case "toString":
                        return "EmbeddedPool lease of " + physical + (returned ? " (returned)" : "");
                    default:
                        if (returned) {
                            throw new SQLNonTransientConnectionException("The connection was closed", "08003");
                        }
                        try {
                            return method.invoke(physical, args);
                        } catch (InvocationTargetException e) {
                            throw e.getCause();
                        }
                }
            }
        };
        return (Connection)
                Proxy.newProxyInstance(EmbeddedPool.class.getClassLoader(), new Class<?>[] {Connection.class}, handler);
    }

    @Override
    public PrintWriter getLogWriter() {
        return null;
    }

    @Override
    public void setLogWriter(PrintWriter out) {
        // nothing is logged through it
    }

    @Override
    public void setLoginTimeout(int seconds) {
        // the wait for a connection is the pool's timeout
    }

    @Override
    public int getLoginTimeout() {
        return (int) timeout.toSeconds();
    }

    @Override
    public Logger getParentLogger() {
        return Logger.getLogger("io.jobpulse.store");
    }

    @Override
    public <T> T unwrap(Class<T> iface) throws SQLException {
        if (iface.isInstance(this)) {
            return iface.cast(this);
        }
        throw new SQLException("Not a wrapper of " + iface.getName());
    }

    @Override
    public boolean isWrapperFor(Class<?> iface) {
        return iface.isInstance(this);
    }
}
