package io.jobpulse.health;

import io.jobpulse.runtime.Ticker;
import io.jobpulse.store.Database;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.BeforeDestroyed;
import jakarta.enterprise.context.Initialized;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import jakarta.interceptor.Interceptor;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.logging.Logger;

/**
 * Whether this node should get traffic: it finished starting, its store answers, and it is not stopping. The probe
 * servlet ({@code GET /jobpulse/health/ready}) reports it to load balancers and orchestrators; anything else that
 * wants to say whether the node is ready (the node's figures, metrics) asks {@link #checks()} too.
 *
 * <ul>
 *   <li><b>started</b>: flips when the application scope is initialized, after every other observer of that event
 *       (the schema is migrated, the scheduler started and has recovered its orphans), by observing it with a
 *       {@link Priority} later than theirs. A deployment whose start fails never flips it.
 *   <li><b>store</b>: a trivial query ({@code SELECT 1}) on the store's DataSource, asked at most once a
 *       {@link #STORE_CACHE second} and answered within about {@link #STORE_TIMEOUT} even when the database hangs
 *       ({@link StoreCheck}). Not asked before the node started (the schema may not be migrated yet): DOWN then;
 *       nor while it stops: its last answer then.
 *   <li><b>stopping</b>: UP until the application scope is about to be destroyed; flips before every other observer
 *       of that event (the scheduler handing its jobs back, WebSockets closing), so a load balancer stops sending
 *       traffic as early as the node knows it is going.
 * </ul>
 */
@ApplicationScoped
public class Readiness {

    /** After the observers without a priority (they get {@code APPLICATION + 500}) and the platform's. */
    static final int AFTER_EVERY_OTHER_OBSERVER = Interceptor.Priority.PLATFORM_AFTER + 1000;
    /** Before every observer with a priority of its own or none. */
    static final int BEFORE_EVERY_OTHER_OBSERVER = Interceptor.Priority.PLATFORM_BEFORE;

    static final Duration STORE_CACHE = Duration.ofSeconds(1);
    static final Duration STORE_TIMEOUT = Duration.ofSeconds(1);
    static final Duration STORE_ABANDON = Duration.ofSeconds(10);
    static final int QUERY_TIMEOUT_SECONDS = 1;

    private static final Logger LOG = Logger.getLogger(Readiness.class.getName());

    /**
     * One answer: each check, true when it passes.
     *
     * @param started     the application finished starting
     * @param store       the store answered a trivial query in time
     * @param notStopping the node is not stopping
     */
    public record Checks(boolean started, boolean store, boolean notStopping) {

        /** Every check passes: the node should get traffic. */
        public boolean ready() {
            return started && store && notStopping;
        }

        /** {@code started}, {@code store}, {@code stopping} in that order, true for UP: the probe's checks. */
        public Map<String, Boolean> byName() {
            Map<String, Boolean> checks = new LinkedHashMap<>();
            checks.put("started", started);
            checks.put("store", store);
            checks.put("stopping", notStopping);
            return checks;
        }
    }

    @Inject
    Database database;

    @Inject
    Ticker ticker;

    private volatile boolean started;
    private volatile boolean stopping;
    private StoreCheck store;

    @PostConstruct
    void open() {
        store = new StoreCheck(this::storeAnswers, ticker, STORE_CACHE, STORE_TIMEOUT, STORE_ABANDON);
    }

    @PreDestroy
    void close() {
        store.close();
    }

    void started(
            @Observes @Priority(AFTER_EVERY_OTHER_OBSERVER) @Initialized(ApplicationScoped.class)
                    Object contextStarted) {
        started = true;
        LOG.info("JobPulse started: readiness reports started UP");
    }

    void stopping(
            @Observes @Priority(BEFORE_EVERY_OTHER_OBSERVER) @BeforeDestroyed(ApplicationScoped.class)
                    Object contextStopping) {
        stopping = true;
        LOG.info("JobPulse stopping: readiness reports DOWN from now on");
    }

    /**
     * Every check now; the store's answer may be up to a second old. Returns within about a second. While the node
     * stops, the store is not asked again (its pool may be closing under the query): the check keeps its last answer.
     */
    public Checks checks() {
        boolean hasStarted = started;
        boolean isStopping = stopping;
        boolean storeUp = hasStarted && (isStopping ? store.lastAnswer() : store.up());
        return new Checks(hasStarted, storeUp, !isStopping);
    }

    /** {@link #checks()}{@code .ready()}. */
    public boolean isReady() {
        return checks().ready();
    }

    private boolean storeAnswers() throws SQLException {
        try (Connection connection = database.dataSource().getConnection();
                Statement statement = connection.createStatement()) {
            statement.setQueryTimeout(QUERY_TIMEOUT_SECONDS);
            try (ResultSet rows = statement.executeQuery("SELECT 1")) {
                return rows.next() && rows.getInt(1) == 1;
            }
        }
    }
}
