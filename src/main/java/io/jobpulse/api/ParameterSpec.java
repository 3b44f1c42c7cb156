package io.jobpulse.api;

import java.util.Objects;

/**
 * One parameter of a job type: name, JSON type, description, whether it is required, its default, and for
 * integers the inclusive range; strings are limited to {@code max} characters (default 1000).
 */
public record ParameterSpec(
        String name,
        ParameterKind kind,
        String description,
        boolean required,
        Object defaultValue,
        Long min,
        Long max) {

    public ParameterSpec {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(description, "description");
    }

    public static ParameterSpec requiredInteger(String name, String description, long min, long max) {
        return new ParameterSpec(name, ParameterKind.INTEGER, description, true, null, min, max);
    }

    public static ParameterSpec integer(String name, String description, long defaultValue, long min, long max) {
        return new ParameterSpec(name, ParameterKind.INTEGER, description, false, defaultValue, min, max);
    }

    public static ParameterSpec optionalInteger(String name, String description, long min, long max) {
        return new ParameterSpec(name, ParameterKind.INTEGER, description, false, null, min, max);
    }

    public static ParameterSpec string(String name, String description, String defaultValue, long maxLength) {
        return new ParameterSpec(name, ParameterKind.STRING, description, false, defaultValue, null, maxLength);
    }
}
