package io.jobpulse.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class SettingsSourceTest {

    private static final String KEY = "jobpulse.api-keys";
    private static final String ENV = "JOBPULSE_API_KEYS";

    private static SettingsSource source(Map<String, String> props, Map<String, String> env, Map<String, String> jndi) {
        return new SettingsSource(props::get, env::get, jndi::get);
    }

    @Test
    void systemPropertyWinsOverEnvironmentAndJndi() {
        SettingsSource s = source(Map.of(KEY, "from-property"), Map.of(ENV, "from-env"), Map.of(KEY, "from-jndi"));

        assertThat(s.get(KEY)).hasValue("from-property");
    }

    @Test
    void environmentWinsOverJndi() {
        SettingsSource s = source(Map.of(), Map.of(ENV, "from-env"), Map.of(KEY, "from-jndi"));

        assertThat(s.get(KEY)).hasValue("from-env");
    }

    @Test
    void jndiIsUsedWhenNothingElseIsSet() {
        SettingsSource s = source(Map.of(), Map.of(), Map.of(KEY, "from-jndi"));

        assertThat(s.get(KEY)).hasValue("from-jndi");
    }

    @Test
    void unsetEverywhereIsEmpty() {
        assertThat(source(Map.of(), Map.of(), Map.of()).get(KEY)).isEmpty();
    }

    @Test
    void blankSystemPropertyCountsAsUnset() {
        SettingsSource s = source(Map.of(KEY, "  "), Map.of(ENV, "from-env"), Map.of());

        assertThat(s.get(KEY)).hasValue("from-env");
    }

    @Test
    void blankEnvironmentVariableCountsAsUnset() {
        SettingsSource s = source(Map.of(KEY, ""), Map.of(ENV, "\t"), Map.of(KEY, "from-jndi"));

        assertThat(s.get(KEY)).hasValue("from-jndi");
    }

    @Test
    void blankEverywhereIsEmpty() {
        SettingsSource s = source(Map.of(KEY, ""), Map.of(ENV, " "), Map.of(KEY, "  \n"));

        assertThat(s.get(KEY)).isEmpty();
    }

    @Test
    void valuesAreTrimmed() {
        SettingsSource s = source(Map.of(KEY, "  a:x  "), Map.of(), Map.of());

        assertThat(s.get(KEY)).hasValue("a:x");
    }

    @Test
    void environmentIsAskedForTheUpperCaseNameOnly() {
        List<String> askedEnv = new ArrayList<>();
        List<String> askedJndi = new ArrayList<>();
        Function<String, String> env = name -> {
            askedEnv.add(name);
            return null;
        };
        Function<String, String> jndi = name -> {
            askedJndi.add(name);
            return null;
        };

        new SettingsSource(name -> null, env, jndi).get(KEY);

        assertThat(askedEnv).containsExactly(ENV);
        assertThat(askedJndi).containsExactly(KEY);
    }

    @Test
    void environmentVariableWithTheDottedNameIsNotUsed() {
        SettingsSource s = source(Map.of(), Map.of(KEY, "dotted"), Map.of());

        assertThat(s.get(KEY)).isEmpty();
    }

    @Test
    void laterSourcesAreNotAskedOnceAValueIsFound() {
        List<String> asked = new ArrayList<>();
        SettingsSource s = new SettingsSource(
                name -> "set",
                name -> {
                    asked.add("env");
                    return null;
                },
                name -> {
                    asked.add("jndi");
                    return null;
                });

        assertThat(s.get(KEY)).hasValue("set");
        assertThat(asked).isEmpty();
    }

    @ParameterizedTest
    @CsvSource({
        "jobpulse.api-keys,            JOBPULSE_API_KEYS",
        "jobpulse.dev,                 JOBPULSE_DEV",
        "jobpulse.ws.idle-timeout,     JOBPULSE_WS_IDLE_TIMEOUT",
        "jobpulse.rest.max-body-bytes, JOBPULSE_REST_MAX_BODY_BYTES",
        "jobpulse.token-ttl,           JOBPULSE_TOKEN_TTL"
    })
    void environmentNameIsUpperCaseWithUnderscores(String key, String environmentName) {
        assertThat(SettingsSource.environmentName(key)).isEqualTo(environmentName);
    }
}
