package io.jobpulse.config;

import java.util.Locale;
import java.util.Optional;
import java.util.function.Function;
import java.util.logging.Level;
import java.util.logging.Logger;
import javax.naming.InitialContext;
import javax.naming.NameNotFoundException;
import javax.naming.NamingException;

/**
 * Looks a {@code jobpulse.*} key up in order: JVM system property, environment variable
 * ({@code jobpulse.api-keys} is {@code JOBPULSE_API_KEYS}), then a JNDI env-entry
 * {@code java:comp/env/jobpulse.api-keys}. Blank values count as unset.
 */
public final class SettingsSource {

    private static final Logger LOG = Logger.getLogger(SettingsSource.class.getName());

    private final Function<String, String> systemProperties;
    private final Function<String, String> environment;
    private final Function<String, String> jndi;

    public SettingsSource(
            Function<String, String> systemProperties,
            Function<String, String> environment,
            Function<String, String> jndi) {
        this.systemProperties = systemProperties;
        this.environment = environment;
        this.jndi = jndi;
    }

    /** The sources of a running server. */
    public static SettingsSource ofRuntime() {
        return new SettingsSource(System::getProperty, System::getenv, SettingsSource::lookupEnvEntry);
    }

    public Optional<String> get(String key) {
        return firstSet(systemProperties.apply(key))
                .or(() -> firstSet(environment.apply(environmentName(key))))
                .or(() -> firstSet(jndi.apply(key)));
    }

    /** {@code jobpulse.ws.idle-timeout} becomes {@code JOBPULSE_WS_IDLE_TIMEOUT}. */
    public static String environmentName(String key) {
        return key.toUpperCase(Locale.ROOT).replace('.', '_').replace('-', '_');
    }

    private static Optional<String> firstSet(String value) {
        return value == null || value.isBlank() ? Optional.empty() : Optional.of(value.trim());
    }

    private static String lookupEnvEntry(String key) {
        try {
            Object value = new InitialContext().lookup("java:comp/env/" + key);
            return value == null ? null : value.toString();
        } catch (NameNotFoundException absent) {
            return null;
        } catch (NamingException | RuntimeException e) {
            LOG.log(Level.FINE, e, () -> "No JNDI env-entry for " + key);
            return null;
        }
    }
}
