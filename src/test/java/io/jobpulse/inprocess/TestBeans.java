package io.jobpulse.inprocess;

import io.jobpulse.config.JobPulseConfig;
import io.jobpulse.execution.EjbJobLauncher;
import io.jobpulse.runtime.Ticker;
import io.jobpulse.store.Database;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.spi.AfterBeanDiscovery;
import jakarta.enterprise.inject.spi.Extension;
import jakarta.enterprise.inject.spi.ProcessAnnotatedType;
import jakarta.inject.Singleton;
import java.time.Clock;
import java.util.Optional;
import javax.sql.DataSource;

/**
 * What the in-process server puts in place of the container: the configuration from the test's settings, the
 * hand-moved ticker and the node's clock (the system's, or one set off from it), as alternatives to the production producers; and no EJB launcher (Weld SE has no EJB container,
 * so jobs run on JobPulse's own executor, as on Tomcat).
 */
final class TestBeans implements Extension {

    private final JobPulseConfig config;
    private final Ticker ticker;
    private final Optional<DataSource> shared;
    private final Clock clock;

    TestBeans(JobPulseConfig config, Ticker ticker, Optional<DataSource> shared, Clock clock) {
        this.config = config;
        this.ticker = ticker;
        this.shared = shared;
        this.clock = clock;
    }

    void noEjb(@Observes ProcessAnnotatedType<EjbJobLauncher> ejb) {
        ejb.veto();
    }

    /** On a shared database (several in-process nodes on one PostgreSQL), the store uses it instead of its own H2. */
    void sharedDatabase(@Observes ProcessAnnotatedType<Database> database) {
        if (shared.isPresent()) {
            database.veto();
        }
    }

    void replace(@Observes AfterBeanDiscovery discovery) {
        discovery
                .addBean()
                .types(JobPulseConfig.class, Object.class)
                .scope(Singleton.class)
                .alternative(true)
                .priority(1000)
                .createWith(c -> config);
        discovery
                .addBean()
                .types(Ticker.class, Object.class)
                .scope(Singleton.class)
                .alternative(true)
                .priority(1000)
                .createWith(c -> ticker);
        discovery
                .addBean()
                .types(Clock.class, Object.class)
                .scope(Singleton.class)
                .alternative(true)
                .priority(1000)
                .createWith(c -> clock);
        shared.ifPresent(source -> discovery
                .addBean()
                .types(Database.class, Object.class)
                .scope(Singleton.class)
                .createWith(c -> Database.using(source)));
    }
}
