package io.jobpulse.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class JobTypeOverridesTest {

    private static final Optional<Duration> NONE = Optional.empty();
    private static final Optional<Duration> TEN_MINUTES = Optional.of(Duration.ofMinutes(10));

    private static JobTypeOverrides overrides(Map<String, String> properties) {
        return JobPulseConfig.from(new SettingsSource(properties::get, key -> null, key -> null))
                .jobs()
                .types();
    }

    @Test
    void withoutOverridesATypeKeepsWhatItDeclares() {
        JobTypeOverrides types = overrides(Map.of());

        assertThat(types.timeout("prime-count", TEN_MINUTES)).isEqualTo(Duration.ofMinutes(10));
        assertThat(types.maxAttempts("prime-count", 3)).isEqualTo(3);
        assertThat(types.maxAttempts("export", 1)).isEqualTo(1);
    }

    @Test
    void aTypeWithoutATimeoutOfItsOwnGetsTheNodesJobTimeout() {
        assertThat(overrides(Map.of()).timeout("export", NONE)).isEqualTo(Duration.ofHours(1));
        assertThat(overrides(Map.of("jobpulse.job-timeout", "20m")).timeout("export", NONE))
                .isEqualTo(Duration.ofMinutes(20));
        assertThat(overrides(Map.of("jobpulse.job-timeout", "20m")).timeout("prime-count", TEN_MINUTES))
                .isEqualTo(Duration.ofMinutes(10));
    }

    @Test
    void theTimeoutOverrideWinsOverTheTypeAndTheNode() {
        JobTypeOverrides types =
                overrides(Map.of("jobpulse.jobs.prime-count.timeout", "3s", "jobpulse.job-timeout", "20m"));

        assertThat(types.timeout("prime-count", TEN_MINUTES)).isEqualTo(Duration.ofSeconds(3));
        assertThat(types.timeout("prime-count", NONE)).isEqualTo(Duration.ofSeconds(3));
    }

    @Test
    void theAttemptsOverrideWinsOverTheType() {
        JobTypeOverrides types = overrides(
                Map.of("jobpulse.jobs.prime-count.max-attempts", "1", "jobpulse.jobs.digest.max-attempts", "10"));

        assertThat(types.maxAttempts("prime-count", 3)).isEqualTo(1);
        assertThat(types.maxAttempts("digest", 3)).isEqualTo(10);
    }

    @Test
    void anOverrideAppliesToItsTypeOnly() {
        JobTypeOverrides types =
                overrides(Map.of("jobpulse.jobs.other.timeout", "1s", "jobpulse.jobs.other.max-attempts", "1"));

        assertThat(types.timeout("prime-count", TEN_MINUTES)).isEqualTo(Duration.ofMinutes(10));
        assertThat(types.maxAttempts("prime-count", 3)).isEqualTo(3);
    }

    @Test
    void overridesAreReadFromTheEnvironmentToo() {
        JobTypeOverrides types = JobPulseConfig.from(new SettingsSource(
                        key -> null,
                        Map.of(
                                "JOBPULSE_JOBS_PRIME_COUNT_TIMEOUT", "90s",
                                "JOBPULSE_JOBS_PRIME_COUNT_MAX_ATTEMPTS", "2")::get,
                        key -> null))
                .jobs()
                .types();

        assertThat(types.timeout("prime-count", TEN_MINUTES)).isEqualTo(Duration.ofSeconds(90));
        assertThat(types.maxAttempts("prime-count", 3)).isEqualTo(2);
    }

    @ParameterizedTest
    @ValueSource(strings = {"0s", "-5s", "soon", "PT-1S"})
    void aTimeoutThatIsNotAPositiveDurationFailsNamingTheKey(String value) {
        JobTypeOverrides types = overrides(Map.of("jobpulse.jobs.export.timeout", value));

        assertThatExceptionOfType(InvalidSettingException.class)
                .isThrownBy(() -> types.timeout("export", NONE))
                .withMessageStartingWith(
                        "Invalid value for jobpulse.jobs.export.timeout: expected a positive duration");
    }

    @ParameterizedTest
    @ValueSource(strings = {"0", "11", "three", "2.5"})
    void attemptsOutOfRangeFailNamingTheKey(String value) {
        JobTypeOverrides types = overrides(Map.of("jobpulse.jobs.prime-count.max-attempts", value));

        assertThatExceptionOfType(InvalidSettingException.class)
                .isThrownBy(() -> types.maxAttempts("prime-count", 3))
                .withMessage("Invalid value for jobpulse.jobs.prime-count.max-attempts: "
                        + "expected a whole number of attempts from 1 to 10");
    }

    @Test
    void anOperatorCannotMakeATypeReRunThatDoesNotDeclareItselfRetrySafe() {
        assertThatExceptionOfType(InvalidSettingException.class)
                .isThrownBy(() -> overrides(Map.of("jobpulse.jobs.export.max-attempts", "3"))
                        .maxAttempts("export", 1))
                .withMessage("Invalid value for jobpulse.jobs.export.max-attempts: "
                        + "job type export does not declare itself safe to re-run, so only 1 is allowed");
        assertThat(overrides(Map.of("jobpulse.jobs.export.max-attempts", "1")).maxAttempts("export", 1))
                .isEqualTo(1);
    }
}
