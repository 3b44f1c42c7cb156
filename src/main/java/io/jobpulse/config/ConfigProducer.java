package io.jobpulse.config;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

/** Reads the configuration once per deployment. */
@ApplicationScoped
public class ConfigProducer {

    @Produces
    @Singleton
    JobPulseConfig config() {
        return JobPulseConfig.from(SettingsSource.ofRuntime());
    }
}
