package io.jobpulse.config;

import java.time.Duration;
import java.util.Optional;

/**
 * How this node hears about the other nodes of a cluster (several nodes on one PostgreSQL): the {@code jobpulse.bus.*}
 * keys. On the embedded H2 database there is no cluster and none of this is used.
 *
 * @param bus              {@code jobpulse.bus}: {@code auto} ({@code notify} on PostgreSQL), {@code notify} (LISTEN/NOTIFY
 *                         hints plus a slow backstop poll) or {@code poll} (no LISTEN at all: for poolers in
 *                         transaction mode and databases where LISTEN is not possible)
 * @param url              {@code jobpulse.bus.url}: JDBC URL of the listening connection; empty: the DataSource's own
 * @param user             {@code jobpulse.bus.user}: its user; empty: the DataSource's
 * @param password         {@code jobpulse.bus.password}: its password; empty: {@code jobpulse.db.password} (the
 *                         {@code JOBPULSE_DB_PASSWORD} that server-config's DataSources read)
 * @param pollInterval     {@code jobpulse.bus.poll-interval}: backstop poll of watched jobs while the bus is healthy
 * @param fastPollInterval {@code jobpulse.bus.fast-poll-interval}: the poll while it is not, and in {@code poll} mode
 * @param pingInterval     {@code jobpulse.bus.ping-interval}: how often the listening connection proves itself by a
 *                         notification to itself (a missing answer within the same time reconnects it)
 */
public record ClusterSettings(
        BusMode bus,
        Optional<String> url,
        Optional<String> user,
        Optional<String> password,
        Duration pollInterval,
        Duration fastPollInterval,
        Duration pingInterval) {

    /** The {@code jobpulse.bus} choices. */
    public enum BusMode {
        AUTO,
        NOTIFY,
        POLL
    }

    static ClusterSettings read(SettingReader r) {
        return new ClusterSettings(
                r.choice("jobpulse.bus", BusMode.class, BusMode.AUTO),
                r.optionalText("jobpulse.bus.url"),
                r.optionalText("jobpulse.bus.user"),
                r.optionalText("jobpulse.bus.password").or(() -> r.optionalText("jobpulse.db.password")),
                r.duration("jobpulse.bus.poll-interval", Duration.ofSeconds(2)),
                r.duration("jobpulse.bus.fast-poll-interval", Duration.ofMillis(250)),
                r.duration("jobpulse.bus.ping-interval", Duration.ofSeconds(5)));
    }
}
