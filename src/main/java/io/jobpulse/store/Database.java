package io.jobpulse.store;

import io.jobpulse.config.JobPulseConfig;
import io.jobpulse.runtime.ContainerExecutors;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Locale;
import java.util.Optional;
import java.util.logging.Logger;
import javax.naming.InitialContext;
import javax.naming.NamingException;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;

/**
 * The one DataSource of a deployment, migrated to the current schema before first use.
 * With {@code jobpulse.datasource} set it is that JNDI DataSource (PostgreSQL in production); otherwise an
 * embedded, file-based H2 database in {@code jobpulse.data-dir}, bundled in the WAR so every container has it
 * and a restart keeps every job. (Container default datasources are in-memory on some servers.)
 */
@ApplicationScoped
public class Database {

    private static final Logger LOG = Logger.getLogger(Database.class.getName());
    static final int EMBEDDED_POOL_SIZE = 20;
    /** How long a transaction waits for a connection of the embedded H2 before the store counts as unavailable. */
    static final Duration EMBEDDED_POOL_TIMEOUT = Duration.ofSeconds(30);
    /** How long the embedded H2 keeps chunks it no longer needs before it may write over them. */
    static final int RETENTION_MILLIS = 5000;

    @Inject
    JobPulseConfig config;

    @Inject
    ContainerExecutors executors;

    private DataSource dataSource;
    private EmbeddedPool embeddedPool;
    private EmbeddedH2Compaction compaction;
    private boolean postgres;
    private String url;
    private String user;

    @PostConstruct
    void open() {
        if (config.dataSourceName().isPresent()) {
            String name = config.dataSourceName().get();
            dataSource = lookup(name);
            LOG.info(() -> "JobPulse store: JNDI DataSource " + name);
        } else {
            embeddedPool = openEmbedded(config.dataDir());
            dataSource = embeddedPool;
            compaction = new EmbeddedH2Compaction(embeddedPool).start(executors.scheduler());
            LOG.info(() -> "JobPulse store: embedded H2 database in "
                    + config.dataDir().toAbsolutePath());
        }
        migrate(dataSource);
        describe(dataSource);
    }

    /**
     * The store on a DataSource given directly (migrated here), for embedding JobPulse where there is no JNDI: the
     * in-process test tier runs several nodes on one PostgreSQL this way.
     */
    public static Database using(DataSource source) {
        Database database = new Database();
        database.dataSource = source;
        migrate(source);
        database.describe(source);
        return database;
    }

    @PreDestroy
    void close() {
        if (compaction != null) {
            compaction.close();
        }
        if (embeddedPool != null) {
            embeddedPool.close();
        }
    }

    public DataSource dataSource() {
        return dataSource;
    }

    /** True on PostgreSQL, where several nodes may share the database; false on the embedded H2 (one node). */
    public boolean isPostgres() {
        return postgres;
    }

    /**
     * What every transaction runs first, if anything. On PostgreSQL: {@code idle_in_transaction_session_timeout} of a
     * third of the lease (at least a second), for this transaction only. A node paused in the middle of a transaction
     * (GC, SIGSTOP, a frozen VM) would otherwise hold its row locks for as long as it is paused: the other nodes could
     * neither recover its jobs (their sweep skips locked rows) nor cancel them (a cancel waits for the lock). With it,
     * PostgreSQL ends the paused session and releases the locks; JobPulse's own transactions never sit idle that long.
     */
    public Optional<String> transactionGuard() {
        if (!postgres || config == null) {
            return Optional.empty();
        }
        long millis = Math.max(1000, config.jobs().lease().toMillis() / 3);
        return Optional.of("SET LOCAL idle_in_transaction_session_timeout = '" + millis + "ms'");
    }

    /** The JDBC URL the DataSource's connections report (the default of the cluster's listening connection). */
    public String url() {
        return url;
    }

    /** The user the DataSource's connections report. */
    public String user() {
        return user;
    }

    private void describe(DataSource source) {
        try (Connection c = source.getConnection()) {
            DatabaseMetaData meta = c.getMetaData();
            postgres = meta.getDatabaseProductName().toLowerCase(Locale.ROOT).contains("postgres");
            url = meta.getURL();
            user = meta.getUserName();
        } catch (SQLException e) {
            throw new IllegalStateException("The JobPulse database does not answer", e);
        }
    }

    /** Brings the schema to the newest version; safe to run on every start and from several nodes at once. */
    public static void migrate(DataSource dataSource) {
        Flyway flyway = Flyway.configure(Database.class.getClassLoader())
                .dataSource(dataSource)
                .locations("classpath:db/migration")
                .table("jp_schema_history")
                .baselineOnMigrate(false)
                .load();
        int applied = flyway.migrate().migrationsExecuted;
        var current = flyway.info().current();
        LOG.info(() -> "JobPulse schema at version " + (current == null ? "none" : current.getVersion()) + " ("
                + applied + " migration(s) applied now)");
    }

    static EmbeddedPool openEmbedded(Path dataDir) {
        try {
            Files.createDirectories(dataDir);
        } catch (IOException e) {
            throw new IllegalStateException("Cannot create jobpulse.data-dir " + dataDir.toAbsolutePath(), e);
        }
        // WRITE_DELAY=0: a commit reaches the file before it returns, so a killed JVM loses no committed job; then
        // H2 compacts nothing itself (EmbeddedH2Compaction does). RETENTION_TIME: old chunks may be reused after 5 s
        // rather than H2's 45 s (which kept gigabytes of dead chunks under load), still a margin over a crash
        // mid-write.
        String url = "jdbc:h2:file:" + dataDir.toAbsolutePath().resolve("jobpulse")
                + ";DB_CLOSE_ON_EXIT=FALSE;WRITE_DELAY=0;RETENTION_TIME=" + RETENTION_MILLIS;
        return new EmbeddedPool(url, "jobpulse", EMBEDDED_POOL_SIZE, EMBEDDED_POOL_TIMEOUT);
    }

    private static DataSource lookup(String name) {
        try {
            return (DataSource) new InitialContext().lookup(name);
        } catch (NamingException | ClassCastException e) {
            throw new IllegalStateException(
                    "jobpulse.datasource names " + name + ", which is not a DataSource in JNDI", e);
        }
    }
}
