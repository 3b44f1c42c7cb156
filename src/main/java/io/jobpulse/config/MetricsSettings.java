package io.jobpulse.config;

import java.util.Optional;

/**
 * Every {@code jobpulse.metrics.*} setting: who may scrape {@code GET /jobpulse/metrics}.
 *
 * @param token {@code jobpulse.metrics.token}: a scrape needs {@code Authorization: Bearer <token>}
 * @param open  {@code jobpulse.metrics.open}: anyone who reaches the node may scrape (a network that only the
 *              monitoring reaches); with neither this nor a token, and not in dev mode, a scrape is refused (403)
 */
public record MetricsSettings(Optional<String> token, boolean open) {

    static MetricsSettings read(SettingReader r) {
        return new MetricsSettings(r.optionalText("jobpulse.metrics.token"), r.flag("jobpulse.metrics.open", false));
    }
}
