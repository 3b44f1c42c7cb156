package io.jobpulse.security;

import io.jobpulse.config.InvalidSettingException;
import io.jobpulse.config.JobPulseConfig;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.Initialized;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.logging.Logger;

/** Builds the security objects from the configuration and says at start-up how the API is protected. */
@ApplicationScoped
public class SecurityProducer {

    private static final Logger LOG = Logger.getLogger(SecurityProducer.class.getName());

    /** The secret of this run when {@code jobpulse.token-secret} is not set; guarded by this. */
    private byte[] generatedSecret;

    /** Creates the keys and the token signer at deployment, so their start-up messages appear at once. */
    void atStart(
            @Observes @Initialized(ApplicationScoped.class) Object contextStarted,
            ApiKeys keys,
            AdminRole admins,
            WatchTokens tokens,
            ReportTokens reportTokens) {
        LOG.fine(() -> "security ready: " + keys.size() + " API client(s), " + admins.size() + " admin(s), tokens "
                + tokens.getClass().getSimpleName() + " and "
                + reportTokens.getClass().getSimpleName());
    }

    @Produces
    @Singleton
    ApiKeys apiKeys(JobPulseConfig config) {
        ApiKeys keys;
        try {
            keys = ApiKeys.parse(config.apiKeys());
        } catch (IllegalArgumentException e) {
            throw new InvalidSettingException("jobpulse.api-keys", e);
        }
        if (config.dev()) {
            LOG.warning("""
                    *** JobPulse DEV MODE IS ON (jobpulse.dev=true) ***
                    Requests without an API key are accepted as client 'dev'. Never run production like this.""");
        } else if (keys.isEmpty()) {
            LOG.severe("No API keys configured (jobpulse.api-keys / JOBPULSE_API_KEYS) and dev mode is off: "
                    + "every API request will be refused with 401 until keys are set.");
        } else {
            LOG.info(() -> "JobPulse API: " + keys.size() + " API client(s) configured.");
        }
        return keys;
    }

    @Produces
    @Singleton
    AdminRole adminRole(JobPulseConfig config, ApiKeys keys) {
        AdminRole admins;
        try {
            admins = AdminRole.of(config.adminClients(), keys);
        } catch (IllegalArgumentException e) {
            throw new InvalidSettingException("jobpulse.admin-clients", e);
        }
        if (admins.size() > 0) {
            LOG.info(() ->
                    "JobPulse API: " + admins.size() + " client(s) with the admin role (jobpulse.admin-clients).");
        }
        return admins;
    }

    @Produces
    @Singleton
    WatchTokens watchTokens(JobPulseConfig config) {
        return new WatchTokens(tokenSecret(config), config.tokenTtl(), Clock.systemUTC());
    }

    @Produces
    @Singleton
    ReportTokens reportTokens(JobPulseConfig config) {
        return new ReportTokens(tokenSecret(config), config.external().reportTokenTtl(), Clock.systemUTC());
    }

    /** The secret both kinds of token are signed with: {@code jobpulse.token-secret}, or one generated per start. */
    private synchronized byte[] tokenSecret(JobPulseConfig config) {
        if (config.tokenSecret().isPresent()) {
            byte[] secret = config.tokenSecret().get().getBytes(StandardCharsets.UTF_8);
            if (secret.length < 16) {
                throw new InvalidSettingException(
                        "jobpulse.token-secret",
                        new IllegalArgumentException("must be at least 16 bytes (32 random characters recommended)"));
            }
            return secret;
        }
        if (generatedSecret == null) {
            generatedSecret = new byte[32];
            new SecureRandom().nextBytes(generatedSecret);
            LOG.warning("jobpulse.token-secret is not set: generated one for this run. Watch and report tokens issued "
                    + "now stop working after a restart and are not valid on other nodes; set the secret for "
                    + "production.");
        }
        return generatedSecret;
    }

    @Produces
    @Singleton
    OriginPolicy originPolicy(JobPulseConfig config) {
        return new OriginPolicy(config.allowedOrigins());
    }
}
