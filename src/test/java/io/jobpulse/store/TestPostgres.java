package io.jobpulse.store;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;
import org.junit.jupiter.api.Assumptions;

/**
 * One embedded PostgreSQL (zonky binaries, no Docker) for a test class, handing each test a database of its own with
 * JobPulse's schema.
 * Where the binaries cannot start, the class's tests are aborted as a visible assumption, not passed.
 */
final class TestPostgres implements AutoCloseable {

    private final EmbeddedPostgres postgres;
    private final String prefix;
    private final AtomicInteger databases = new AtomicInteger();
    private boolean templateMigrated;

    private TestPostgres(EmbeddedPostgres postgres, String prefix) {
        this.postgres = postgres;
        this.prefix = prefix;
    }

    /** Starts PostgreSQL, or aborts the tests that need it; databases are named {@code prefix1}, {@code prefix2}... */
    static TestPostgres startOrAbort(String prefix) {
        try {
            return new TestPostgres(EmbeddedPostgres.builder().start(), prefix);
        } catch (Exception | LinkageError e) {
            Assumptions.abort("embedded PostgreSQL cannot start on this machine: " + e);
            throw new AssertionError("unreachable", e);
        }
    }

    /**
     * A new database with JobPulse's schema: a copy ({@code CREATE DATABASE ... TEMPLATE}) of one that {@link
     * Database#migrate} migrated at the first call. Flyway took about 250 ms per test on an empty database, the copy
     * about 90.
     */
    DataSource migratedDatabase() throws SQLException {
        String template = prefix + "template";
        if (!templateMigrated) {
            create(template, "");
            Database.migrate(postgres.getDatabase("postgres", template)); // Flyway closes its connections
            templateMigrated = true;
        }
        String name = prefix + databases.incrementAndGet();
        create(name, " TEMPLATE " + template);
        return postgres.getDatabase("postgres", name);
    }

    private void create(String name, String options) throws SQLException {
        try (Connection c = postgres.getPostgresDatabase().getConnection();
                Statement s = c.createStatement()) {
            s.execute("CREATE DATABASE " + name + options);
        }
    }

    @Override
    public void close() throws Exception {
        postgres.close();
    }
}
