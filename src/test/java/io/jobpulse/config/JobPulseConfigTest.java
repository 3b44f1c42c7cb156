package io.jobpulse.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

import io.jobpulse.json.JsonLimits;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

class JobPulseConfigTest {

    private static JobPulseConfig configFrom(Map<String, String> systemProperties) {
        return JobPulseConfig.from(new SettingsSource(systemProperties::get, name -> null, name -> null));
    }

    private static JobPulseConfig configWith(String key, String value) {
        return configFrom(Map.of(key, value));
    }

    @Test
    void adminClientsAreACommaSeparatedList() {
        assertThat(configWith("jobpulse.admin-clients", " ops , oncall ").adminClients())
                .containsExactly("ops", "oncall");
    }

    @Test
    void defaultsWhenNothingIsSet() {
        JobPulseConfig config = configFrom(Map.of());

        assertThat(config.dev()).isFalse();
        assertThat(config.apiKeys()).isEmpty();
        assertThat(config.adminClients()).as("nobody is admin unless named").isEmpty();
        assertThat(config.tokenSecret()).isEmpty();
        assertThat(config.tokenTtl()).isEqualTo(Duration.ofHours(24));
        assertThat(config.allowedOrigins()).isEmpty();
        assertThat(config.dataSourceName()).isEmpty();
        assertThat(config.dataDir()).isEqualTo(Path.of(System.getProperty("user.home"), ".jobpulse"));
        assertThat(config.nodeId()).isNotBlank();
        assertThat(config.testHooks()).isFalse();
        assertThat(config.jobs())
                .usingRecursiveComparison()
                .ignoringFields("types")
                .isEqualTo(new JobSettings(
                        4, 10.0, Duration.ofSeconds(30), Duration.ofSeconds(10), Duration.ofHours(1), 1000, null));
        assertThat(config.cluster())
                .isEqualTo(new ClusterSettings(
                        ClusterSettings.BusMode.AUTO,
                        Optional.empty(),
                        Optional.empty(),
                        Optional.empty(),
                        Duration.ofSeconds(2),
                        Duration.ofMillis(250),
                        Duration.ofSeconds(5)));
        assertThat(config.websocket())
                .isEqualTo(new WebSocketSettings(
                        Duration.ofSeconds(60),
                        1000,
                        false,
                        5000,
                        1024 * 1024,
                        64 * 1024,
                        Duration.ofSeconds(30),
                        2048,
                        20,
                        Duration.ofSeconds(30),
                        50_000,
                        20_000,
                        20_000));
        assertThat(config.sse()).isEqualTo(new SseSettings(5000));
        assertThat(config.rest()).isEqualTo(new RestSettings(1024 * 1024, 600));
        assertThat(config.json()).isEqualTo(new JsonLimits(32, 64, 64 * 1024));
        assertThat(config.external()).isEqualTo(new ExternalSettings(Duration.ofSeconds(60), 20, Duration.ofHours(24)));
    }

    @Test
    void theDefaultsForCodeWithoutCdiAreTheConfiguredDefaults() {
        JobPulseConfig config = configFrom(Map.of());

        assertThat(WebSocketSettings.defaults()).isEqualTo(config.websocket());
        assertThat(JsonSettings.defaults()).isEqualTo(config.json());
    }

    /** Every key, a value other than its default, and where it lands: the group its prefix names. */
    static Stream<Arguments> everyKeyAndItsHome() {
        return Stream.of(
                home("jobpulse.dev", "true", JobPulseConfig::dev, true),
                home("jobpulse.api-keys", "a:x,b:y", JobPulseConfig::apiKeys, "a:x,b:y"),
                home(
                        "jobpulse.token-secret",
                        "0123456789abcdef",
                        JobPulseConfig::tokenSecret,
                        Optional.of("0123456789abcdef")),
                home("jobpulse.token-ttl", "15m", JobPulseConfig::tokenTtl, Duration.ofMinutes(15)),
                home(
                        "jobpulse.allowed-origins",
                        "https://a.example.com, https://b.example.com",
                        JobPulseConfig::allowedOrigins,
                        List.of("https://a.example.com", "https://b.example.com")),
                home(
                        "jobpulse.datasource",
                        "jdbc/jobpulse",
                        JobPulseConfig::dataSourceName,
                        Optional.of("jdbc/jobpulse")),
                home("jobpulse.data-dir", "/var/lib/jobpulse", JobPulseConfig::dataDir, Path.of("/var/lib/jobpulse")),
                home("jobpulse.node-id", "node-7", JobPulseConfig::nodeId, "node-7"),
                home("jobpulse.test-hooks", "true", JobPulseConfig::testHooks, true),
                home("jobpulse.max-running-jobs", "16", c -> c.jobs().maxRunningJobs(), 16),
                home("jobpulse.progress-rate", "2.5", c -> c.jobs().progressRate(), 2.5),
                home("jobpulse.lease", "45s", c -> c.jobs().lease(), Duration.ofSeconds(45)),
                home("jobpulse.bus", "poll", c -> c.cluster().bus(), ClusterSettings.BusMode.POLL),
                home(
                        "jobpulse.bus.url",
                        "jdbc:postgresql://db/x",
                        c -> c.cluster().url(),
                        Optional.of("jdbc:postgresql://db/x")),
                home("jobpulse.bus.user", "listener", c -> c.cluster().user(), Optional.of("listener")),
                home("jobpulse.bus.password", "s3cret", c -> c.cluster().password(), Optional.of("s3cret")),
                home("jobpulse.bus.poll-interval", "5s", c -> c.cluster().pollInterval(), Duration.ofSeconds(5)),
                home(
                        "jobpulse.bus.fast-poll-interval",
                        "100ms",
                        c -> c.cluster().fastPollInterval(),
                        Duration.ofMillis(100)),
                home("jobpulse.bus.ping-interval", "3s", c -> c.cluster().pingInterval(), Duration.ofSeconds(3)),
                home("jobpulse.shutdown-grace", "PT5S", c -> c.jobs().shutdownGrace(), Duration.ofSeconds(5)),
                home("jobpulse.job-timeout", "10m", c -> c.jobs().jobTimeout(), Duration.ofMinutes(10)),
                home("jobpulse.max-queued-jobs-per-client", "7", c -> c.jobs().maxQueuedJobsPerClient(), 7),
                home("jobpulse.ws.idle-timeout", "5m", c -> c.websocket().idleTimeout(), Duration.ofMinutes(5)),
                home("jobpulse.ws.max-subscriptions", "10", c -> c.websocket().maxSubscriptions(), 10),
                home(
                        "jobpulse.ws.permessage-deflate",
                        "true",
                        c -> c.websocket().permessageDeflate(),
                        true),
                home("jobpulse.ws.outbox-messages", "50", c -> c.websocket().outboxMessages(), 50),
                home("jobpulse.ws.outbox-bytes", "65536", c -> c.websocket().outboxBytes(), 65536),
                home("jobpulse.ws.send-window", "16384", c -> c.websocket().sendWindow(), 16384),
                home("jobpulse.ws.max-lag", "5s", c -> c.websocket().maxLag(), Duration.ofSeconds(5)),
                home("jobpulse.ws.max-message-bytes", "4096", c -> c.websocket().maxMessageBytes(), 4096),
                home(
                        "jobpulse.ws.max-messages-per-second",
                        "5",
                        c -> c.websocket().maxMessagesPerSecond(),
                        5),
                home(
                        "jobpulse.ws.subscribe-deadline",
                        "2s",
                        c -> c.websocket().subscribeDeadline(),
                        Duration.ofSeconds(2)),
                home("jobpulse.ws.max-connections", "100", c -> c.websocket().maxConnections(), 100),
                home(
                        "jobpulse.ws.max-connections-per-address",
                        "10",
                        c -> c.websocket().maxConnectionsPerAddress(),
                        10),
                home(
                        "jobpulse.ws.max-connections-per-client",
                        "20",
                        c -> c.websocket().maxConnectionsPerClient(),
                        20),
                home("jobpulse.sse.outbox-messages", "40", c -> c.sse().outboxMessages(), 40),
                home("jobpulse.rest.max-body-bytes", "2048", c -> c.rest().maxBodyBytes(), 2048),
                home("jobpulse.rest.submissions-per-minute", "60", c -> c.rest().submissionsPerMinute(), 60),
                home("jobpulse.json.max-depth", "8", c -> c.json().maxDepth(), 8),
                home("jobpulse.json.max-number-length", "20", c -> c.json().maxNumberLength(), 20),
                home("jobpulse.json.max-string-length", "1000", c -> c.json().maxStringLength(), 1000),
                home(
                        "jobpulse.external.heartbeat-timeout",
                        "2m",
                        c -> c.external().heartbeatTimeout(),
                        Duration.ofMinutes(2)),
                home(
                        "jobpulse.external.reports-per-second",
                        "5",
                        c -> c.external().reportsPerSecond(),
                        5),
                home(
                        "jobpulse.external.report-token-ttl",
                        "7d",
                        c -> c.external().reportTokenTtl(),
                        Duration.ofDays(7)));
    }

    private static Arguments home(
            String key, String value, Function<JobPulseConfig, Object> accessor, Object expected) {
        return Arguments.of(key, value, accessor, expected);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("everyKeyAndItsHome")
    void everyKeyIsReadIntoTheGroupItsPrefixNames(
            String key, String value, Function<JobPulseConfig, Object> accessor, Object expected) {
        assertThat(accessor.apply(configFrom(Map.of()))).as("default").isNotEqualTo(expected);
        assertThat(accessor.apply(configWith(key, value))).isEqualTo(expected);
    }

    @Test
    void everySettingCanBeOverriddenAtOnce() {
        Map<String, String> settings = new HashMap<>();
        everyKeyAndItsHome().forEach(a -> settings.put((String) a.get()[0], (String) a.get()[1]));

        JobPulseConfig config = configFrom(settings);

        everyKeyAndItsHome().forEach(a -> {
            @SuppressWarnings("unchecked") // the provider above pairs each key with an accessor of this type
            Function<JobPulseConfig, Object> accessor = (Function<JobPulseConfig, Object>) a.get()[2];
            assertThat(accessor.apply(config)).as((String) a.get()[0]).isEqualTo(a.get()[3]);
        });
    }

    @Test
    void sseStreamsAreBoundedByTheWebSocketOutboxUnlessTheirOwnKeyIsSet() {
        assertThat(configWith("jobpulse.ws.outbox-messages", "50").sse().outboxMessages())
                .isEqualTo(50);
        assertThat(configFrom(Map.of("jobpulse.ws.outbox-messages", "50", "jobpulse.sse.outbox-messages", "70"))
                        .sse()
                        .outboxMessages())
                .isEqualTo(70);
        assertThat(configWith("jobpulse.sse.outbox-messages", "70").websocket().outboxMessages())
                .isEqualTo(5000);
    }

    @Test
    void settingsAreReadFromTheEnvironmentToo() {
        Map<String, String> env = Map.of(
                "JOBPULSE_MAX_RUNNING_JOBS",
                "8",
                "JOBPULSE_WS_IDLE_TIMEOUT",
                "2m",
                "JOBPULSE_SSE_OUTBOX_MESSAGES",
                "9",
                "JOBPULSE_TEST_HOOKS",
                "true");

        JobPulseConfig config = JobPulseConfig.from(new SettingsSource(name -> null, env::get, name -> null));

        assertThat(config.jobs().maxRunningJobs()).isEqualTo(8);
        assertThat(config.websocket().idleTimeout()).isEqualTo(Duration.ofMinutes(2));
        assertThat(config.sse().outboxMessages()).isEqualTo(9);
        assertThat(config.testHooks()).isTrue();
    }

    @Test
    void blankSettingKeepsTheDefault() {
        assertThat(configWith("jobpulse.max-running-jobs", "  ").jobs().maxRunningJobs())
                .isEqualTo(4);
    }

    @Test
    void allowedOriginsSkipEmptyEntries() {
        assertThat(configWith("jobpulse.allowed-origins", " ,https://a.example.com,, ")
                        .allowedOrigins())
                .containsExactly("https://a.example.com");
    }

    @ParameterizedTest
    @ValueSource(strings = {"true", "TRUE", "True"})
    void devModeIsOnForTrueInAnyCase(String value) {
        assertThat(configWith("jobpulse.dev", value).dev()).isTrue();
    }

    @Test
    void testHooksAreOffUnlessSetAndIndependentOfDevMode() {
        assertThat(configWith("jobpulse.dev", "true").testHooks()).isFalse();
        assertThat(configWith("jobpulse.test-hooks", "false").testHooks()).isFalse();
        assertThat(configWith("jobpulse.test-hooks", "TRUE").testHooks()).isTrue();
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
        "jobpulse.progress-rate,        NaN",
        "jobpulse.progress-rate,        Infinity",
        "jobpulse.token-ttl,            forever",
        "jobpulse.token-ttl,            24",
        "jobpulse.lease,                soon",
        "jobpulse.bus,                  kafka",
        "jobpulse.bus.poll-interval,    often",
        "jobpulse.shutdown-grace,       10 seconds",
        "jobpulse.job-timeout,          forever",
        "jobpulse.max-queued-jobs-per-client, 0",
        "jobpulse.dev,                  yes",
        "jobpulse.test-hooks,           1",
        "jobpulse.test-hooks,           on",
        "jobpulse.ws.idle-timeout,      1 minute",
        "jobpulse.ws.max-subscriptions, 0",
        "jobpulse.ws.permessage-deflate, maybe",
        "jobpulse.ws.outbox-messages,   x",
        "jobpulse.ws.outbox-messages,   -5",
        "jobpulse.ws.outbox-bytes,      0",
        "jobpulse.ws.max-connections,   0",
        "jobpulse.ws.max-connections-per-address, none",
        "jobpulse.ws.max-connections-per-client, -1",
        "jobpulse.ws.max-messages-per-second, 0",
        "jobpulse.ws.subscribe-deadline, 0s",
        "jobpulse.ws.max-lag,           -PT1S",
        "jobpulse.ws.send-window,       1024",
        "jobpulse.ws.max-message-bytes, 255",
        "jobpulse.ws.max-message-bytes, 65537",
        "jobpulse.ws.max-message-bytes, 8k",
        "jobpulse.sse.outbox-messages,  0",
        "jobpulse.rest.max-body-bytes,  0",
        "jobpulse.rest.max-body-bytes,  1MiB",
        "jobpulse.rest.submissions-per-minute, many",
        "jobpulse.json.max-depth,       -1",
        "jobpulse.json.max-number-length, 0",
        "jobpulse.json.max-string-length, long",
        "jobpulse.external.heartbeat-timeout, 0s",
        "jobpulse.external.reports-per-second, 0",
        "jobpulse.external.report-token-ttl, never"
    })
    void invalidValueFailsNamingTheKey(String key, String value) {
        assertThatExceptionOfType(InvalidSettingException.class)
                .isThrownBy(() -> configWith(key, value))
                .withMessageStartingWith("Invalid value for " + key + ": expected ")
                .withCauseInstanceOf(IllegalArgumentException.class);
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "jobpulse.token-ttl",
                "jobpulse.lease",
                "jobpulse.shutdown-grace",
                "jobpulse.job-timeout",
                "jobpulse.ws.idle-timeout",
                "jobpulse.ws.max-lag",
                "jobpulse.ws.subscribe-deadline",
                "jobpulse.external.heartbeat-timeout",
                "jobpulse.external.report-token-ttl"
            })
    void negativeDurationIsRejected(String key) {
        assertThatExceptionOfType(InvalidSettingException.class)
                .isThrownBy(() -> configWith(key, "-PT1H"))
                .withMessageContaining(key);
    }

    @Test
    void theMessageSizeLimitSaysItsRange() {
        assertThatExceptionOfType(InvalidSettingException.class)
                .isThrownBy(() -> configWith("jobpulse.ws.max-message-bytes", "100000"))
                .withMessage(
                        "Invalid value for jobpulse.ws.max-message-bytes: expected a whole number of bytes from 256 to "
                                + WebSocketSettings.MAX_MESSAGE_BYTES_LIMIT);
    }

    @ParameterizedTest(name = "{0}={1}")
    @CsvSource({
        "jobpulse.max-running-jobs, s3cr3t-looking-value",
        "jobpulse.token-ttl,        s3cr3t-looking-value",
        "jobpulse.ws.send-window,   s3cr3t-looking-value"
    })
    void errorMessageDoesNotRepeatTheValue(String key, String value) {
        assertThatExceptionOfType(InvalidSettingException.class)
                .isThrownBy(() -> configWith(key, value))
                .withMessageContaining(key)
                .withMessageNotContaining(value);
    }

    @Test
    void invalidSettingExceptionKeepsTheCause() {
        IllegalArgumentException cause = new IllegalArgumentException("must be positive");

        InvalidSettingException e = new InvalidSettingException("jobpulse.lease", cause);

        assertThat(e)
                .hasMessage("Invalid value for jobpulse.lease: must be positive")
                .hasCause(cause);
        assertThat(e).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void theListeningConnectionsPasswordDefaultsToTheDatabasePasswordOfServerConfig() {
        Map<String, String> env = Map.of("JOBPULSE_DB_PASSWORD", "db-secret");
        JobPulseConfig config = JobPulseConfig.from(new SettingsSource(key -> null, env::get, key -> null));

        assertThat(config.cluster().password()).contains("db-secret");
    }

    @Test
    void retentionKeepsAWeekAndCompactsAnHourAfterTheEndByDefault() {
        assertThat(configFrom(Map.of()).retention())
                .isEqualTo(new RetentionSettings(Optional.of(Duration.ofDays(7)), Optional.of(Duration.ofHours(1))));
    }

    @ParameterizedTest
    @CsvSource({"30d, 10m, PT720H, PT10M", "off, 5s, , PT5S", "12h, 0, PT12H, ", "0, OFF, , "})
    void retentionReadsDurationsOrOff(
            String keep, String compactAfter, Duration keepExpected, Duration compactExpected) {
        RetentionSettings retention = configFrom(
                        Map.of("jobpulse.retention", keep, "jobpulse.retention.compact-after", compactAfter))
                .retention();

        assertThat(retention)
                .isEqualTo(
                        new RetentionSettings(Optional.ofNullable(keepExpected), Optional.ofNullable(compactExpected)));
        assertThat(retention.enabled()).isEqualTo(keepExpected != null || compactExpected != null);
    }

    @ParameterizedTest
    @CsvSource({"jobpulse.retention, -1d", "jobpulse.retention, never", "jobpulse.retention.compact-after, 0s"})
    void rejectsAnInvalidRetention(String key, String value) {
        assertThatExceptionOfType(InvalidSettingException.class)
                .isThrownBy(() -> configWith(key, value))
                .withMessageStartingWith("Invalid value for " + key + ": expected ")
                .withCauseInstanceOf(IllegalArgumentException.class);
    }
}
