package io.jobpulse.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class JobPulseConfigTest {

    private static JobPulseConfig configFrom(Map<String, String> systemProperties) {
        return JobPulseConfig.from(new SettingsSource(systemProperties::get, name -> null, name -> null));
    }

    private static JobPulseConfig configWith(String key, String value) {
        return configFrom(Map.of(key, value));
    }

    @Test
    void defaultsWhenNothingIsSet() {
        JobPulseConfig config = configFrom(Map.of());

        assertThat(config.dev()).isFalse();
        assertThat(config.apiKeys()).isEmpty();
        assertThat(config.tokenSecret()).isEmpty();
        assertThat(config.tokenTtl()).isEqualTo(Duration.ofHours(24));
        assertThat(config.allowedOrigins()).isEmpty();
        assertThat(config.dataSourceName()).isEmpty();
        assertThat(config.dataDir()).isEqualTo(Path.of(System.getProperty("user.home"), ".jobpulse"));
        assertThat(config.nodeId()).isNotBlank();
        assertThat(config.maxRunningJobs()).isEqualTo(4);
        assertThat(config.progressRate()).isEqualTo(10.0);
        assertThat(config.lease()).isEqualTo(Duration.ofSeconds(60));
        assertThat(config.shutdownGrace()).isEqualTo(Duration.ofSeconds(10));
        assertThat(config.idleTimeout()).isEqualTo(Duration.ofSeconds(60));
        assertThat(config.maxSubscriptions()).isEqualTo(1000);
        assertThat(config.outboxMessages()).isEqualTo(5000);
        assertThat(config.maxBodyBytes()).isEqualTo(1024 * 1024);
        assertThat(config.limits()).isEqualTo(Limits.defaults());
    }

    @Test
    void everyLimitCanBeOverridden() {
        Map<String, String> settings = new HashMap<>();
        settings.put("jobpulse.ws.max-message-bytes", "4096");
        settings.put("jobpulse.ws.max-messages-per-second", "5");
        settings.put("jobpulse.ws.max-connections", "100");
        settings.put("jobpulse.ws.max-connections-per-address", "10");
        settings.put("jobpulse.ws.max-connections-per-client", "20");
        settings.put("jobpulse.ws.subscribe-deadline", "2s");
        settings.put("jobpulse.ws.outbox-bytes", "65536");
        settings.put("jobpulse.ws.send-window", "16384");
        settings.put("jobpulse.ws.max-lag", "5s");
        settings.put("jobpulse.rest.submissions-per-minute", "60");
        settings.put("jobpulse.max-queued-jobs-per-client", "7");
        settings.put("jobpulse.json.max-depth", "8");
        settings.put("jobpulse.json.max-number-length", "20");
        settings.put("jobpulse.json.max-string-length", "1000");
        settings.put("jobpulse.job-timeout", "10m");

        assertThat(configFrom(settings).limits()).isEqualTo(new Limits(4096, 5, 100, 10, 20, Duration.ofSeconds(2),
                65536, 16384, Duration.ofSeconds(5), 60, 7, 8, 20, 1000, Duration.ofMinutes(10)));
    }

    @ParameterizedTest
    @CsvSource({"255", "65537", "-1", "8k"})
    void messageSizeLimitStaysWithinWhatTheEndpointDeclares(String value) {
        assertThatExceptionOfType(InvalidSettingException.class)
                .isThrownBy(() -> configWith("jobpulse.ws.max-message-bytes", value))
                .withMessageContaining("jobpulse.ws.max-message-bytes");
    }

    @Test
    void everySettingCanBeOverridden() {
        Map<String, String> settings = new HashMap<>();
        settings.put("jobpulse.dev", "true");
        settings.put("jobpulse.api-keys", "a:x,b:y");
        settings.put("jobpulse.token-secret", "0123456789abcdef0123456789abcdef");
        settings.put("jobpulse.token-ttl", "15m");
        settings.put("jobpulse.allowed-origins", "https://a.example.com, https://b.example.com");
        settings.put("jobpulse.datasource", "jdbc/jobpulse");
        settings.put("jobpulse.data-dir", "/var/lib/jobpulse");
        settings.put("jobpulse.node-id", "node-7");
        settings.put("jobpulse.max-running-jobs", "16");
        settings.put("jobpulse.progress-rate", "2.5");
        settings.put("jobpulse.lease", "30s");
        settings.put("jobpulse.shutdown-grace", "PT5S");
        settings.put("jobpulse.ws.idle-timeout", "5m");
        settings.put("jobpulse.ws.max-subscriptions", "10");
        settings.put("jobpulse.ws.outbox-messages", "50");
        settings.put("jobpulse.rest.max-body-bytes", "2048");

        JobPulseConfig config = configFrom(settings);

        assertThat(config.dev()).isTrue();
        assertThat(config.apiKeys()).isEqualTo("a:x,b:y");
        assertThat(config.tokenSecret()).hasValue("0123456789abcdef0123456789abcdef");
        assertThat(config.tokenTtl()).isEqualTo(Duration.ofMinutes(15));
        assertThat(config.allowedOrigins()).containsExactly("https://a.example.com", "https://b.example.com");
        assertThat(config.dataSourceName()).hasValue("jdbc/jobpulse");
        assertThat(config.dataDir()).isEqualTo(Path.of("/var/lib/jobpulse"));
        assertThat(config.nodeId()).isEqualTo("node-7");
        assertThat(config.maxRunningJobs()).isEqualTo(16);
        assertThat(config.progressRate()).isEqualTo(2.5);
        assertThat(config.lease()).isEqualTo(Duration.ofSeconds(30));
        assertThat(config.shutdownGrace()).isEqualTo(Duration.ofSeconds(5));
        assertThat(config.idleTimeout()).isEqualTo(Duration.ofMinutes(5));
        assertThat(config.maxSubscriptions()).isEqualTo(10);
        assertThat(config.outboxMessages()).isEqualTo(50);
        assertThat(config.maxBodyBytes()).isEqualTo(2048);
    }

    @Test
    void settingsAreReadFromTheEnvironmentToo() {
        Map<String, String> env = Map.of("JOBPULSE_MAX_RUNNING_JOBS", "8", "JOBPULSE_WS_IDLE_TIMEOUT", "2m");

        JobPulseConfig config = JobPulseConfig.from(new SettingsSource(name -> null, env::get, name -> null));

        assertThat(config.maxRunningJobs()).isEqualTo(8);
        assertThat(config.idleTimeout()).isEqualTo(Duration.ofMinutes(2));
    }

    @Test
    void blankSettingKeepsTheDefault() {
        assertThat(configWith("jobpulse.max-running-jobs", "  ").maxRunningJobs()).isEqualTo(4);
    }

    @Test
    void allowedOriginsSkipEmptyEntries() {
        assertThat(configWith("jobpulse.allowed-origins", " ,https://a.example.com,, ").allowedOrigins())
                .containsExactly("https://a.example.com");
    }

    @ParameterizedTest
    @ValueSource(strings = {"true", "TRUE", "True"})
    void devModeIsOnForTrueInAnyCase(String value) {
        assertThat(configWith("jobpulse.dev", value).dev()).isTrue();
    }

    @ParameterizedTest(name = "{0}={1}")
    @CsvSource({
            "jobpulse.max-running-jobs,     0",
            "jobpulse.max-running-jobs,     -1",
            "jobpulse.max-running-jobs,     four",
            "jobpulse.max-running-jobs,     2147483648",
            "jobpulse.max-running-jobs,     1.5",
            "jobpulse.progress-rate,        0",
            "jobpulse.progress-rate,        -0.5",
            "jobpulse.progress-rate,        fast",
            "jobpulse.token-ttl,            forever",
            "jobpulse.token-ttl,            24",
            "jobpulse.lease,                soon",
            "jobpulse.shutdown-grace,       10 seconds",
            "jobpulse.ws.idle-timeout,      1 minute",
            "jobpulse.ws.max-subscriptions, 0",
            "jobpulse.ws.outbox-messages,   x",
            "jobpulse.ws.outbox-messages,   -5",
            "jobpulse.rest.max-body-bytes,  0",
            "jobpulse.rest.max-body-bytes,  1MiB",
            "jobpulse.ws.max-connections,   0",
            "jobpulse.ws.subscribe-deadline, 0s",
            "jobpulse.ws.send-window,       1024",
            "jobpulse.rest.submissions-per-minute, many",
            "jobpulse.json.max-depth,       -1",
            "jobpulse.job-timeout,          forever"})
    void invalidValueFailsNamingTheKey(String key, String value) {
        assertThatExceptionOfType(InvalidSettingException.class).isThrownBy(() -> configWith(key, value))
                .withMessageContaining(key)
                .withCauseInstanceOf(IllegalArgumentException.class);
    }

    @ParameterizedTest
    @ValueSource(strings = {"NaN", "Infinity"})
    void progressRateMustBeAFiniteNumber(String value) {
        assertThatExceptionOfType(InvalidSettingException.class)
                .isThrownBy(() -> configWith("jobpulse.progress-rate", value))
                .withMessageContaining("jobpulse.progress-rate");
    }

    @ParameterizedTest
    @ValueSource(strings = {"jobpulse.token-ttl", "jobpulse.lease", "jobpulse.shutdown-grace", "jobpulse.ws.idle-timeout"})
    void negativeDurationIsRejected(String key) {
        assertThatExceptionOfType(InvalidSettingException.class).isThrownBy(() -> configWith(key, "-PT1H"))
                .withMessageContaining(key);
    }

    @ParameterizedTest
    @ValueSource(strings = {"yes", "ture", "1", "on"})
    void devValueThatIsNotABooleanIsRejected(String value) {
        assertThatExceptionOfType(InvalidSettingException.class).isThrownBy(() -> configWith("jobpulse.dev", value))
                .withMessageContaining("jobpulse.dev");
    }

    @ParameterizedTest(name = "{0}={1}")
    @CsvSource({
            "jobpulse.max-running-jobs, s3cr3t-looking-value",
            "jobpulse.token-ttl,        s3cr3t-looking-value"})
    void errorMessageDoesNotRepeatTheValue(String key, String value) {
        assertThatExceptionOfType(InvalidSettingException.class).isThrownBy(() -> configWith(key, value))
                .withMessageContaining(key)
                .withMessageNotContaining(value);
    }

    @Test
    void invalidSettingExceptionKeepsTheCause() {
        IllegalArgumentException cause = new IllegalArgumentException("must be positive");

        InvalidSettingException e = new InvalidSettingException("jobpulse.lease", cause);

        assertThat(e).hasMessage("Invalid value for jobpulse.lease: must be positive").hasCause(cause);
        assertThat(e).isInstanceOf(IllegalArgumentException.class);
    }
}
