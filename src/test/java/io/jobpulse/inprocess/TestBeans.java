package io.jobpulse.inprocess;

import io.jobpulse.config.JobPulseConfig;
import io.jobpulse.execution.EjbJobLauncher;
import io.jobpulse.runtime.Ticker;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.spi.AfterBeanDiscovery;
import jakarta.enterprise.inject.spi.Extension;
import jakarta.enterprise.inject.spi.ProcessAnnotatedType;
import jakarta.inject.Singleton;

/**
 * What the in-process server puts in place of the container: the configuration from the test's settings and the
 * hand-moved ticker, as alternatives to the production producers; and no EJB launcher (Weld SE has no EJB container,
 * so jobs run on JobPulse's own executor, as on Tomcat).
 */
final class TestBeans implements Extension {

    private final JobPulseConfig config;
    private final Ticker ticker;

    TestBeans(JobPulseConfig config, Ticker ticker) {
        this.config = config;
        this.ticker = ticker;
    }

    void noEjb(@Observes ProcessAnnotatedType<EjbJobLauncher> ejb) {
        ejb.veto();
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
    }
}
