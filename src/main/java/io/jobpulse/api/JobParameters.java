package io.jobpulse.api;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/** A job's parameters after validation against its type, with defaults filled in. */
public record JobParameters(Map<String, Object> values) {

    public JobParameters {
        values = Collections.unmodifiableMap(new LinkedHashMap<>(values));
    }

    public long getLong(String name) {
        return optionalLong(name).orElseThrow(() -> new IllegalArgumentException("no integer parameter " + name));
    }

    public Optional<Long> optionalLong(String name) {
        return values.get(name) instanceof Long value ? Optional.of(value) : Optional.empty();
    }

    public String getString(String name) {
        return values.get(name) instanceof String value ? value : "";
    }
}
