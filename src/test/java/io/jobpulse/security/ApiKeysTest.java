package io.jobpulse.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.NullAndEmptySource;
import org.junit.jupiter.params.provider.ValueSource;

class ApiKeysTest {

    @Test
    void parsesClientSecretPairs() {
        ApiKeys keys = ApiKeys.parse("a:x,b:y");

        assertThat(keys.size()).isEqualTo(2);
        assertThat(keys.isEmpty()).isFalse();
        assertThat(keys.clientFor("x")).hasValue("a");
        assertThat(keys.clientFor("y")).hasValue("b");
    }

    @Test
    void ignoresWhitespaceAroundEntriesNamesAndSecrets() {
        ApiKeys keys = ApiKeys.parse("  alice : alice-secret ,\tbob:bob-secret  ");

        assertThat(keys.size()).isEqualTo(2);
        assertThat(keys.clientFor("alice-secret")).hasValue("alice");
        assertThat(keys.clientFor("bob-secret")).hasValue("bob");
    }

    @Test
    void skipsEmptyEntries() {
        ApiKeys keys = ApiKeys.parse(",a:x,, ,b:y,");

        assertThat(keys.size()).isEqualTo(2);
    }

    @Test
    void secretMayContainColons() {
        ApiKeys keys = ApiKeys.parse("a:x:y:z");

        assertThat(keys.clientFor("x:y:z")).hasValue("a");
        assertThat(keys.clientFor("x")).isEmpty();
    }

    @ParameterizedTest
    @NullAndEmptySource
    @ValueSource(strings = {" ", ",", " , , "})
    void noSettingMeansNoClients(String setting) {
        ApiKeys keys = ApiKeys.parse(setting);

        assertThat(keys.isEmpty()).isTrue();
        assertThat(keys.size()).isZero();
        assertThat(keys.clientFor("anything")).isEmpty();
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @CsvSource(
            delimiter = '|',
            value = {
                "topsecret-value               | entry 1",
                ":topsecret-value              | entry 1",
                "alice:                        | entry 1",
                "alice:   ,bob:topsecret-value | entry 1",
                "bad client:topsecret-value    | entry 1",
                "al!ce:topsecret-value         | entry 1",
                "a/b:topsecret-value           | entry 1",
                "alice:ok,topsecret-value      | entry 2",
                "alice:ok,bob:fine,<x>:topsecret-value | entry 3"
            })
    void badEntriesAreRejectedWithoutRevealingTheSecret(String setting, String position) {
        assertThatIllegalArgumentException()
                .isThrownBy(() -> ApiKeys.parse(setting))
                .withMessageContaining(position)
                .withMessageContaining("jobpulse.api-keys")
                .withMessageNotContaining("topsecret")
                .withMessageNotContaining("ok")
                .withMessageNotContaining("fine");
    }

    @Test
    void overlongClientNameIsRejected() {
        assertThatIllegalArgumentException()
                .isThrownBy(() -> ApiKeys.parse("c".repeat(65) + ":topsecret"))
                .withMessageNotContaining("topsecret");
    }

    @Test
    void clientNamesMayUseDotsDashesUnderscoresAndAt() {
        ApiKeys keys = ApiKeys.parse("ci.bot_1-x@example:s");

        assertThat(keys.clientFor("s")).hasValue("ci.bot_1-x@example");
    }

    @Test
    void wrongSecretFindsNoClient() {
        ApiKeys keys = ApiKeys.parse("a:x,b:y");

        assertThat(keys.clientFor("z")).isEmpty();
        assertThat(keys.clientFor("X")).isEmpty();
        assertThat(keys.clientFor("x ")).isEmpty();
        assertThat(keys.clientFor("a")).isEmpty();
        assertThat(keys.clientFor("a:x")).isEmpty();
    }

    @Test
    void emptyOrNullSecretFindsNoClient() {
        ApiKeys keys = ApiKeys.parse("a:x");

        assertThat(keys.clientFor("")).isEmpty();
        assertThat(keys.clientFor(null)).isEmpty();
    }

    @Test
    void hugeSecretFindsNoClient() {
        ApiKeys keys = ApiKeys.parse("a:x");

        assertThat(keys.clientFor("x".repeat(100_000))).isEmpty();
    }
}
