package io.jobpulse.config;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.Initialized;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import java.util.logging.Logger;

/** Reads the configuration once per deployment, and says at start-up when a setting only tests should use is on. */
@ApplicationScoped
public class ConfigProducer {

    private static final Logger LOG = Logger.getLogger(ConfigProducer.class.getName());

    /** Reads the configuration at deployment, so an invalid value fails it at once and the warning is seen at start. */
    void atStart(@Observes @Initialized(ApplicationScoped.class) Object contextStarted, JobPulseConfig config) {
        if (config.testHooks()) {
            LOG.warning("""
                    *** JobPulse TEST HOOKS ARE ON (jobpulse.test-hooks=true) ***
                    Any API client may make this node run a full garbage collection (GET /api/node?gc=true).
                    Only the integration tests and the bench need this; never run production like this.""");
        }
    }

    @Produces
    @Singleton
    JobPulseConfig config() {
        return JobPulseConfig.from(SettingsSource.ofRuntime());
    }
}
