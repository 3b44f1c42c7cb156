package io.jobpulse.execution;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jobpulse.config.InvalidSettingException;
import io.jobpulse.config.SettingsSource;
import io.jobpulse.jobs.DigestJob;
import io.jobpulse.jobs.PrimeCountJob;
import io.jobpulse.jobs.StepsJob;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class RunLimitsTest {

    private static final Duration DEFAULT = Duration.ofHours(1);
    private static final JobType PLAIN = new JobType("export", "not safe to re-run", List.of());
    private static final JobType RETRY_SAFE = new JobType("prime-count", "safe to re-run", List.of())
            .withTimeout(Duration.ofMinutes(10)).retrySafe(3);

    private static SettingsSource properties(Map<String, String> values) {
        return new SettingsSource(values::get, key -> null, key -> null);
    }

    @Test
    void aTypeWithoutDeclarationsGetsTheNodeTimeoutAndOneAttempt() {
        assertThat(RunLimits.of(PLAIN, properties(Map.of()), DEFAULT)).isEqualTo(new RunLimits(DEFAULT, 1));
    }

    @Test
    void aTypeDeclaresItsOwnTimeoutAndAttempts() {
        assertThat(RunLimits.of(RETRY_SAFE, properties(Map.of()), DEFAULT))
                .isEqualTo(new RunLimits(Duration.ofMinutes(10), 3));
    }

    @Test
    void anOperatorOverridesOneTypesTimeoutAndAttempts() {
        SettingsSource settings = properties(Map.of("jobpulse.jobs.prime-count.timeout", "3s",
                "jobpulse.jobs.prime-count.max-attempts", "1", "jobpulse.jobs.other.timeout", "1s"));

        assertThat(RunLimits.of(RETRY_SAFE, settings, DEFAULT)).isEqualTo(new RunLimits(Duration.ofSeconds(3), 1));
        assertThat(RunLimits.of(PLAIN, settings, DEFAULT)).isEqualTo(new RunLimits(DEFAULT, 1));
    }

    @Test
    void theOverrideIsReadFromTheEnvironmentToo() {
        SettingsSource env = new SettingsSource(key -> null,
                Map.of("JOBPULSE_JOBS_PRIME_COUNT_TIMEOUT", "90s")::get, key -> null);

        assertThat(RunLimits.of(RETRY_SAFE, env, DEFAULT).timeout()).isEqualTo(Duration.ofSeconds(90));
    }

    @ParameterizedTest
    @ValueSource(strings = {"0s", "-5s", "soon", "PT-1S"})
    void rejectsATimeoutThatIsNotAPositiveDurationNamingTheKey(String value) {
        assertThatThrownBy(() -> RunLimits.of(PLAIN, properties(Map.of("jobpulse.jobs.export.timeout", value)), DEFAULT))
                .isInstanceOf(InvalidSettingException.class)
                .hasMessageStartingWith("Invalid value for jobpulse.jobs.export.timeout");
    }

    @ParameterizedTest
    @ValueSource(strings = {"0", "11", "three", "2.5"})
    void rejectsAttemptsOutOfRange(String value) {
        assertThatThrownBy(() -> RunLimits.of(RETRY_SAFE,
                properties(Map.of("jobpulse.jobs.prime-count.max-attempts", value)), DEFAULT))
                .isInstanceOf(InvalidSettingException.class)
                .hasMessageStartingWith("Invalid value for jobpulse.jobs.prime-count.max-attempts");
    }

    @Test
    void anOperatorCannotMakeATypeReRunThatDoesNotDeclareItselfRetrySafe() {
        assertThatThrownBy(() -> RunLimits.of(PLAIN, properties(Map.of("jobpulse.jobs.export.max-attempts", "3")),
                DEFAULT))
                .isInstanceOf(InvalidSettingException.class)
                .hasMessageContaining("does not declare itself safe to re-run");
        assertThat(RunLimits.of(PLAIN, properties(Map.of("jobpulse.jobs.export.max-attempts", "1")), DEFAULT)
                .maxAttempts()).isEqualTo(1);
    }

    @Test
    void aTypesDeclarationsAreChecked() {
        assertThat(PLAIN.isRetrySafe()).isFalse();
        assertThat(RETRY_SAFE.isRetrySafe()).isTrue();
        assertThatThrownBy(() -> PLAIN.retrySafe(11)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> PLAIN.retrySafe(0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> PLAIN.withTimeout(Duration.ZERO)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void theShippedTypesAreRetrySafeWithTheNodeTimeout() {
        for (JobHandler handler : List.of(new StepsJob(), new PrimeCountJob(),
                new DigestJob())) {
            assertThat(RunLimits.of(handler.type(), properties(Map.of()), DEFAULT))
                    .as(handler.type().name()).isEqualTo(new RunLimits(DEFAULT, 3));
        }
    }
}
