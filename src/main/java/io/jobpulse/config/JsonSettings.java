package io.jobpulse.config;

import io.jobpulse.json.JsonLimits;

/**
 * Reads every {@code jobpulse.json.*} setting into the {@link JsonLimits} that the {@code json} package enforces on
 * REST bodies and WebSocket messages (400 / 1007). The value type lives there, so that the JSON check depends on no
 * configuration; the keys and defaults live here, with every other key.
 */
public final class JsonSettings {

    private JsonSettings() {}

    static JsonLimits read(SettingReader r) {
        return new JsonLimits(
                r.count("jobpulse.json.max-depth", 32),
                r.count("jobpulse.json.max-number-length", 64),
                r.count("jobpulse.json.max-string-length", 64 * 1024));
    }

    /** The defaults, for code that runs without CDI (unit tests, a decoder the container made before CDI). */
    public static JsonLimits defaults() {
        return read(SettingReader.DEFAULTS);
    }
}
