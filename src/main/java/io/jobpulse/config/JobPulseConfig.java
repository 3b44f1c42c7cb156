package io.jobpulse.config;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/**
 * Every {@code jobpulse.*} setting with its default; the README's configuration table lists the same keys.
 * Invalid values fail deployment with a message naming the key.
 */
public record JobPulseConfig(
        boolean dev,
        String apiKeys,
        Optional<String> tokenSecret,
        Duration tokenTtl,
        List<String> allowedOrigins,
        Optional<String> dataSourceName,
        Path dataDir,
        String nodeId,
        int maxRunningJobs,
        double progressRate,
        Duration lease,
        Duration shutdownGrace,
        Duration idleTimeout,
        int maxSubscriptions,
        int outboxMessages,
        int maxBodyBytes) {

    public static JobPulseConfig from(SettingsSource source) {
        Reader r = new Reader(source);
        return new JobPulseConfig(
                r.get("jobpulse.dev", Boolean::parseBoolean, false),
                r.get("jobpulse.api-keys", s -> s, ""),
                source.get("jobpulse.token-secret"),
                r.get("jobpulse.token-ttl", DurationParser::parse, Duration.ofHours(24)),
                r.get("jobpulse.allowed-origins", JobPulseConfig::list, List.of()),
                source.get("jobpulse.datasource"),
                r.get("jobpulse.data-dir", Path::of, Path.of(System.getProperty("user.home"), ".jobpulse")),
                r.get("jobpulse.node-id", s -> s, defaultNodeId()),
                r.get("jobpulse.max-running-jobs", s -> positive(Integer.parseInt(s)), 4),
                r.get("jobpulse.progress-rate", s -> positive(Double.parseDouble(s)), 10.0),
                r.get("jobpulse.lease", DurationParser::parse, Duration.ofSeconds(60)),
                r.get("jobpulse.shutdown-grace", DurationParser::parse, Duration.ofSeconds(10)),
                r.get("jobpulse.ws.idle-timeout", DurationParser::parse, Duration.ofSeconds(60)),
                r.get("jobpulse.ws.max-subscriptions", s -> positive(Integer.parseInt(s)), 1000),
                r.get("jobpulse.ws.outbox-messages", s -> positive(Integer.parseInt(s)), 1000),
                r.get("jobpulse.rest.max-body-bytes", s -> positive(Integer.parseInt(s)), 1024 * 1024));
    }

    private static List<String> list(String csv) {
        return Arrays.stream(csv.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList();
    }

    private static <N extends Number> N positive(N n) {
        if (n.doubleValue() <= 0) {
            throw new IllegalArgumentException("must be positive: " + n);
        }
        return n;
    }

    private static String defaultNodeId() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            return "node";
        }
    }

    private record Reader(SettingsSource source) {
        <T> T get(String key, Function<String, T> parse, T fallback) {
            Optional<String> raw = source.get(key);
            if (raw.isEmpty()) {
                return fallback;
            }
            try {
                return parse.apply(raw.get());
            } catch (RuntimeException e) {
                throw new InvalidSettingException(key, e);
            }
        }
    }
}
