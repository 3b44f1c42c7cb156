package io.jobpulse.config;

import io.jobpulse.json.JsonLimits;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * Every {@code jobpulse.*} setting, read and validated once per deployment; the README's configuration table lists the
 * same keys. Where a knob lives follows from its key: {@code jobpulse.ws.*} is {@link #websocket()},
 * {@code jobpulse.sse.*} {@link #sse()}, {@code jobpulse.rest.*} {@link #rest()}, {@code jobpulse.json.*}
 * {@link #json()}, {@code jobpulse.bus.*} {@link #cluster()}, {@code jobpulse.external.*} {@link #external()}, {@code jobpulse.metrics.*} {@link #metrics()}, {@code jobpulse.retention*}
 * {@link #retention()}; the
 * job keys ({@code max-running-jobs}, {@code progress-rate}, {@code lease},
 * {@code shutdown-grace}, {@code job-timeout}, {@code max-queued-jobs-per-client} and {@code jobs.<type>.*}) are
 * {@link #jobs()}; the other unprefixed keys are components of this record. An invalid value fails the deployment
 * with an {@link InvalidSettingException} naming the key.
 *
 * @param dev            {@code jobpulse.dev}: requests without an API key are accepted as client {@code dev}
 * @param apiKeys        {@code jobpulse.api-keys}: {@code client:secret} pairs, parsed by {@code security.ApiKeys}
 * @param adminClients   {@code jobpulse.admin-clients}: the API clients with the admin role ({@code security.AdminRole},
 *                       checked against the API keys at start); empty: nobody is admin
 * @param tokenSecret    {@code jobpulse.token-secret}: HMAC secret of watch tokens; empty: one per start
 * @param tokenTtl       {@code jobpulse.token-ttl}: how long a watch token is valid
 * @param allowedOrigins {@code jobpulse.allowed-origins}: origins besides the page's own that may open a WebSocket
 * @param dataSourceName {@code jobpulse.datasource}: JNDI name of the DataSource; empty: the embedded H2 database
 * @param dataDir        {@code jobpulse.data-dir}: directory of the embedded H2 database
 * @param nodeId         {@code jobpulse.node-id}: this node's name in claims and leases
 * @param testHooks      {@code jobpulse.test-hooks}: honour requests that exist only for tests
 *                       ({@code GET /api/node?gc=true}); never on in production, and logged loudly when on
 */
public record JobPulseConfig(
        boolean dev,
        String apiKeys,
        List<String> adminClients,
        Optional<String> tokenSecret,
        Duration tokenTtl,
        List<String> allowedOrigins,
        Optional<String> dataSourceName,
        Path dataDir,
        String nodeId,
        boolean testHooks,
        JobSettings jobs,
        WebSocketSettings websocket,
        SseSettings sse,
        RestSettings rest,
        JsonLimits json,
        ClusterSettings cluster,
        ExternalSettings external,
        MetricsSettings metrics,
        RetentionSettings retention) {

    public static JobPulseConfig from(SettingsSource source) {
        SettingReader r = new SettingReader(source);
        WebSocketSettings websocket = WebSocketSettings.read(r);
        return new JobPulseConfig(
                r.flag("jobpulse.dev", false),
                r.text("jobpulse.api-keys", ""),
                r.list("jobpulse.admin-clients"),
                r.optionalText("jobpulse.token-secret"),
                r.duration("jobpulse.token-ttl", Duration.ofHours(24)),
                r.list("jobpulse.allowed-origins"),
                r.optionalText("jobpulse.datasource"),
                r.path("jobpulse.data-dir", Path.of(System.getProperty("user.home"), ".jobpulse")),
                r.optionalText("jobpulse.node-id").orElseGet(JobPulseConfig::hostName),
                r.flag("jobpulse.test-hooks", false),
                JobSettings.read(r),
                websocket,
                SseSettings.read(r, websocket),
                RestSettings.read(r),
                JsonSettings.read(r),
                ClusterSettings.read(r),
                ExternalSettings.read(r),
                MetricsSettings.read(r),
                RetentionSettings.read(r));
    }

    private static String hostName() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            return "node";
        }
    }
}
