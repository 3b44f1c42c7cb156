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
        boolean permessageDeflate,
        int maxBodyBytes,
        Limits limits) {

    private static final String DURATION = "a positive duration such as 500ms, 60s, 15m, 24h or PT24H";
    private static final String COUNT = "a positive whole number";

    public static JobPulseConfig from(SettingsSource source) {
        Reader r = new Reader(source);
        return new JobPulseConfig(
                r.get("jobpulse.dev", JobPulseConfig::strictBoolean, false, "true or false"),
                r.get("jobpulse.api-keys", s -> s, "", "client:secret pairs"),
                source.get("jobpulse.token-secret"),
                r.get("jobpulse.token-ttl", JobPulseConfig::positiveDuration, Duration.ofHours(24), DURATION),
                r.get("jobpulse.allowed-origins", JobPulseConfig::list, List.of(), "comma-separated origins"),
                source.get("jobpulse.datasource"),
                r.get("jobpulse.data-dir", Path::of, Path.of(System.getProperty("user.home"), ".jobpulse"), "a directory"),
                r.get("jobpulse.node-id", s -> s, defaultNodeId(), "a node name"),
                r.get("jobpulse.max-running-jobs", JobPulseConfig::positiveInt, 4, COUNT),
                r.get("jobpulse.progress-rate", JobPulseConfig::positiveRate, 10.0, "a positive number of updates per second"),
                r.get("jobpulse.lease", JobPulseConfig::positiveDuration, Duration.ofSeconds(60), DURATION),
                r.get("jobpulse.shutdown-grace", JobPulseConfig::positiveDuration, Duration.ofSeconds(10), DURATION),
                r.get("jobpulse.ws.idle-timeout", JobPulseConfig::positiveDuration, Duration.ofSeconds(60), DURATION),
                r.get("jobpulse.ws.max-subscriptions", JobPulseConfig::positiveInt, 1000, COUNT),
                r.get("jobpulse.ws.outbox-messages", JobPulseConfig::positiveInt, 5000, COUNT),
                r.get("jobpulse.ws.permessage-deflate", JobPulseConfig::strictBoolean, false, "true or false"),
                r.get("jobpulse.rest.max-body-bytes", JobPulseConfig::positiveInt, 1024 * 1024, COUNT),
                limits(r));
    }

    private static Limits limits(Reader r) {
        Limits d = Limits.defaults();
        return new Limits(
                r.get("jobpulse.ws.max-message-bytes", JobPulseConfig::messageBytes, d.wsMaxMessageBytes(),
                        "a whole number of bytes from 256 to " + MAX_WS_MESSAGE_BYTES),
                r.get("jobpulse.ws.max-messages-per-second", JobPulseConfig::positiveInt, d.wsMessagesPerSecond(), COUNT),
                r.get("jobpulse.ws.max-connections", JobPulseConfig::positiveInt, d.wsMaxConnections(), COUNT),
                r.get("jobpulse.ws.max-connections-per-address", JobPulseConfig::positiveInt,
                        d.wsMaxConnectionsPerAddress(), COUNT),
                r.get("jobpulse.ws.max-connections-per-client", JobPulseConfig::positiveInt,
                        d.wsMaxConnectionsPerClient(), COUNT),
                r.get("jobpulse.ws.subscribe-deadline", JobPulseConfig::positiveDuration, d.wsSubscribeDeadline(), DURATION),
                r.get("jobpulse.ws.outbox-bytes", JobPulseConfig::positiveInt, d.wsOutboxBytes(), COUNT),
                r.get("jobpulse.ws.send-window", JobPulseConfig::sendWindow, d.wsSendWindow(),
                        "a whole number of bytes, at least 4096"),
                r.get("jobpulse.ws.max-lag", JobPulseConfig::positiveDuration, d.wsMaxLag(), DURATION),
                r.get("jobpulse.rest.submissions-per-minute", JobPulseConfig::positiveInt, d.submissionsPerMinute(), COUNT),
                r.get("jobpulse.max-queued-jobs-per-client", JobPulseConfig::positiveInt, d.maxQueuedJobsPerClient(), COUNT),
                r.get("jobpulse.json.max-depth", JobPulseConfig::positiveInt, d.jsonMaxDepth(), COUNT),
                r.get("jobpulse.json.max-number-length", JobPulseConfig::positiveInt, d.jsonMaxNumberLength(), COUNT),
                r.get("jobpulse.json.max-string-length", JobPulseConfig::positiveInt, d.jsonMaxStringLength(), COUNT),
                r.get("jobpulse.job-timeout", JobPulseConfig::positiveDuration, d.jobTimeout(), DURATION));
    }

    /** The {@code maxMessageSize} of the endpoint's {@code @OnMessage}: no setting may exceed what it declares. */
    public static final int MAX_WS_MESSAGE_BYTES = 64 * 1024;

    private static int sendWindow(String text) {
        int n = Integer.parseInt(text);
        if (n < 4096) {
            throw new IllegalArgumentException("too small");
        }
        return n;
    }

    private static int messageBytes(String text) {
        int n = Integer.parseInt(text);
        if (n < 256 || n > MAX_WS_MESSAGE_BYTES) {
            throw new IllegalArgumentException("out of range");
        }
        return n;
    }

    private static boolean strictBoolean(String text) {
        if (text.equalsIgnoreCase("true") || text.equalsIgnoreCase("false")) {
            return Boolean.parseBoolean(text);
        }
        throw new IllegalArgumentException("not a boolean");
    }

    private static Duration positiveDuration(String text) {
        Duration d = DurationParser.parse(text);
        if (d.isNegative() || d.isZero()) {
            throw new IllegalArgumentException("not positive");
        }
        return d;
    }

    private static int positiveInt(String text) {
        int n = Integer.parseInt(text);
        if (n <= 0) {
            throw new IllegalArgumentException("not positive");
        }
        return n;
    }

    private static double positiveRate(String text) {
        double d = Double.parseDouble(text);
        if (!(d > 0) || Double.isInfinite(d)) {
            throw new IllegalArgumentException("not a positive finite number");
        }
        return d;
    }

    private static List<String> list(String csv) {
        return Arrays.stream(csv.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList();
    }

    private static String defaultNodeId() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            return "node";
        }
    }

    private record Reader(SettingsSource source) {
        /** The parsed value, or the fallback when unset; the error names the key and the expected form, not the value. */
        <T> T get(String key, Function<String, T> parse, T fallback, String expected) {
            Optional<String> raw = source.get(key);
            if (raw.isEmpty()) {
                return fallback;
            }
            try {
                return parse.apply(raw.get());
            } catch (RuntimeException e) {
                throw new InvalidSettingException(key, new IllegalArgumentException("expected " + expected, e));
            }
        }
    }
}
