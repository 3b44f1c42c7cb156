package io.jobpulse.execution;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jobpulse.api.JobHandler;
import io.jobpulse.api.JobType;
import io.jobpulse.config.InvalidSettingException;
import io.jobpulse.config.JobPulseConfig;
import io.jobpulse.config.JobSettings;
import io.jobpulse.config.SettingsSource;
import io.jobpulse.jobs.DigestJob;
import io.jobpulse.jobs.PrimeCountJob;
import io.jobpulse.jobs.StepsJob;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** How a type's declarations meet the operator's overrides; the overrides' parsing is JobTypeOverridesTest's. */
class RunLimitsTest {

    private static final Duration DEFAULT = Duration.ofHours(1);
    private static final JobType PLAIN = new JobType("export", "not safe to re-run", List.of());
    private static final JobType RETRY_SAFE = new JobType("prime-count", "safe to re-run", List.of())
            .withTimeout(Duration.ofMinutes(10))
            .retrySafe(3);

    /** The job settings of a node configured with these system properties ({@code jobpulse.job-timeout} 1h). */
    private static JobSettings jobs(Map<String, String> properties) {
        return JobPulseConfig.from(new SettingsSource(properties::get, key -> null, key -> null))
                .jobs();
    }

    @Test
    void aTypeWithoutDeclarationsGetsTheNodeTimeoutAndOneAttempt() {
        assertThat(RunLimits.of(PLAIN, jobs(Map.of()))).isEqualTo(new RunLimits(DEFAULT, 1));
    }

    @Test
    void aTypeDeclaresItsOwnTimeoutAndAttempts() {
        assertThat(RunLimits.of(RETRY_SAFE, jobs(Map.of()))).isEqualTo(new RunLimits(Duration.ofMinutes(10), 3));
    }

    @Test
    void anOperatorOverridesOneTypesTimeoutAndAttempts() {
        JobSettings jobs = jobs(Map.of(
                "jobpulse.jobs.prime-count.timeout",
                "3s",
                "jobpulse.jobs.prime-count.max-attempts",
                "1",
                "jobpulse.jobs.other.timeout",
                "1s"));

        assertThat(RunLimits.of(RETRY_SAFE, jobs)).isEqualTo(new RunLimits(Duration.ofSeconds(3), 1));
        assertThat(RunLimits.of(PLAIN, jobs)).isEqualTo(new RunLimits(DEFAULT, 1));
    }

    @Test
    void anOperatorCannotMakeATypeReRunThatDoesNotDeclareItselfRetrySafe() {
        JobSettings jobs = jobs(Map.of("jobpulse.jobs.export.max-attempts", "3"));

        assertThatThrownBy(() -> RunLimits.of(PLAIN, jobs))
                .isInstanceOf(InvalidSettingException.class)
                .hasMessageContaining("jobpulse.jobs.export.max-attempts")
                .hasMessageContaining("does not declare itself safe to re-run");
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
        for (JobHandler handler : List.of(new StepsJob(), new PrimeCountJob(), new DigestJob())) {
            assertThat(RunLimits.of(handler.type(), jobs(Map.of())))
                    .as(handler.type().name())
                    .isEqualTo(new RunLimits(DEFAULT, 3));
        }
    }
}
