package io.jobpulse.health;

import static org.assertj.core.api.Assertions.assertThat;

import io.jobpulse.runtime.Ticker;
import io.jobpulse.store.Database;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.BeforeDestroyed;
import jakarta.enterprise.context.Initialized;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Inject;
import java.lang.reflect.Proxy;
import java.sql.SQLException;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import javax.sql.DataSource;
import org.h2.jdbcx.JdbcDataSource;
import org.jboss.weld.environment.se.Weld;
import org.jboss.weld.environment.se.WeldContainer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The readiness checks: started, store and stopping, on the bean itself (an H2 database in memory, a failing and a
 * hanging DataSource), and the order of the CDI observers that flip started and stopping in Weld (the CDI of the
 * Tomcat WAR, WildFly and Payara): started after every other start-up observer, stopping before every other one.
 */
class ReadinessTest {

    private static final Object EVENT = new Object();

    private final CountDownLatch release = new CountDownLatch(1);
    /** The readiness beans' ticker: it stands still unless a test moves it. */
    private final AtomicLong now = new AtomicLong(1_000_000_000L);

    private Readiness readiness;

    @AfterEach
    void close() {
        release.countDown();
        if (readiness != null) {
            readiness.close();
        }
    }

    @Test
    void readyOnceStartedWithTheStoreAnsweringAndNotStopping() {
        readiness = readiness(h2());
        readiness.started(EVENT);

        Readiness.Checks checks = readiness.checks();
        assertThat(checks).isEqualTo(new Readiness.Checks(true, true, true));
        assertThat(checks.ready()).isTrue();
        assertThat(readiness.isReady()).isTrue();
        assertThat(checks.byName())
                .containsExactly(entry("started", true), entry("store", true), entry("stopping", true));
    }

    @Test
    void beforeTheStartFinishedItIsNotReadyAndTheStoreIsNotAsked() {
        AtomicInteger connections = new AtomicInteger();
        readiness = readiness(failing(connections));

        assertThat(readiness.checks()).isEqualTo(new Readiness.Checks(false, false, true));
        assertThat(readiness.isReady()).isFalse();
        assertThat(connections).as("no query before the schema is migrated").hasValue(0);
    }

    @Test
    void aStoreThatRefusesConnectionsIsDown() {
        AtomicInteger connections = new AtomicInteger();
        readiness = readiness(failing(connections));
        readiness.started(EVENT);

        assertThat(readiness.checks()).isEqualTo(new Readiness.Checks(true, false, true));
        assertThat(readiness.isReady()).isFalse();
        assertThat(connections)
                .as("the second look within a second is the cached answer")
                .hasValue(1);
    }

    @Test
    void aHangingStoreIsDownWithinAboutTwoSeconds() {
        readiness = readiness(hanging());
        readiness.started(EVENT);

        long start = System.nanoTime();
        assertThat(readiness.checks()).isEqualTo(new Readiness.Checks(true, false, true));
        assertThat(Duration.ofNanos(System.nanoTime() - start))
                .isGreaterThanOrEqualTo(Readiness.STORE_TIMEOUT.minusMillis(50))
                .isLessThan(Duration.ofSeconds(2));
    }

    @Test
    void stoppingMakesItNotReadyWhileTheStoreStillAnswers() {
        readiness = readiness(h2());
        readiness.started(EVENT);
        assertThat(readiness.isReady()).isTrue();

        readiness.stopping(EVENT);
        assertThat(readiness.checks()).isEqualTo(new Readiness.Checks(true, true, false));
        assertThat(readiness.checks().byName()).containsEntry("stopping", false);
        assertThat(readiness.isReady()).isFalse();
    }

    @Test
    void whileStoppingTheStoreIsNotAskedAgainAndKeepsItsLastAnswer() {
        AtomicInteger connections = new AtomicInteger();
        readiness = readiness(failing(connections));
        readiness.started(EVENT);
        assertThat(readiness.checks().store()).isFalse();
        assertThat(connections).hasValue(1);

        readiness.stopping(EVENT);
        now.addAndGet(Readiness.STORE_CACHE.multipliedBy(5).toNanos());
        assertThat(readiness.checks()).isEqualTo(new Readiness.Checks(true, false, false));
        assertThat(connections).as("no query while the pool may be closing").hasValue(1);
    }

    @Test
    void inWeldStartedFlipsAfterTheOtherStartObserversAndStoppingBeforeTheOtherStopObservers() {
        Witness.seenAtStart.set(null);
        Witness.seenAtStop.set(null);
        WeldContainer weld = new Weld("readiness-test-" + System.nanoTime())
                .disableDiscovery()
                .addBeanClasses(Readiness.class, Witness.class, Store.class)
                .skipShutdownHook()
                .initialize();
        try {
            assertThat(Witness.seenAtStart.get())
                    .as("what an observer of the start without a priority (the scheduler's kind) saw")
                    .isEqualTo(new Readiness.Checks(false, false, true));
            assertThat(weld.select(Readiness.class).get().checks()).isEqualTo(new Readiness.Checks(true, true, true));
        } finally {
            weld.shutdown();
        }
        assertThat(Witness.seenAtStop.get())
                .as("what an observer of the stop without a priority saw")
                .isEqualTo(new Readiness.Checks(true, true, false));
    }

    /** Observes the application scope's start and stop as JobPulse's other beans do: without a priority. */
    @ApplicationScoped
    static class Witness {
        static final AtomicReference<Readiness.Checks> seenAtStart = new AtomicReference<>();
        static final AtomicReference<Readiness.Checks> seenAtStop = new AtomicReference<>();

        @Inject
        Readiness readiness;

        void atStart(@Observes @Initialized(ApplicationScoped.class) Object started) {
            seenAtStart.set(readiness.checks());
        }

        void atStop(@Observes @BeforeDestroyed(ApplicationScoped.class) Object stopping) {
            seenAtStop.set(readiness.checks());
        }
    }

    /** The store and ticker beans of the Weld test: an H2 database in memory and the system ticker. */
    static class Store {
        @Produces
        Database database() {
            return ReadinessTest.database(h2());
        }

        @Produces
        Ticker ticker() {
            return Ticker.SYSTEM;
        }
    }

    private Readiness readiness(DataSource dataSource) {
        Readiness r = new Readiness();
        r.database = database(dataSource);
        r.ticker = now::get;
        r.open();
        return r;
    }

    private static Database database(DataSource dataSource) {
        return new Database() {
            @Override
            public DataSource dataSource() {
                return dataSource;
            }
        };
    }

    private static DataSource h2() {
        JdbcDataSource h2 = new JdbcDataSource();
        h2.setURL("jdbc:h2:mem:readiness-" + System.nanoTime());
        return h2;
    }

    /** A DataSource whose every connection attempt is refused, counting them. */
    private static DataSource failing(AtomicInteger attempts) {
        return dataSource(() -> {
            attempts.incrementAndGet();
            throw new SQLException("Connection refused");
        });
    }

    /** A DataSource whose connection attempts hang (until the test ends). */
    private DataSource hanging() {
        return dataSource(() -> {
            release.await(30, TimeUnit.SECONDS);
            throw new SQLException("gave up");
        });
    }

    @FunctionalInterface
    private interface ConnectionAttempt {
        void attempt() throws Exception;
    }

    private static DataSource dataSource(ConnectionAttempt getConnection) {
        return (DataSource) Proxy.newProxyInstance(
                ReadinessTest.class.getClassLoader(), new Class<?>[] {DataSource.class}, (proxy, method, args) -> {
                    if (method.getName().equals("getConnection")) {
                        getConnection.attempt();
                    }
                    throw new UnsupportedOperationException(method.getName());
                });
    }

    private static java.util.Map.Entry<String, Boolean> entry(String name, boolean up) {
        return java.util.Map.entry(name, up);
    }
}
