package io.jobpulse.api;

import io.jobpulse.api.InvalidParametersException.Violation;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * What a job type is called, what it does, the parameters it takes, and how its runs are bounded.
 *
 * @param timeout     how long one run may take; empty: {@code jobpulse.job-timeout}. Operators override it per type
 *                    with {@code jobpulse.jobs.<name>.timeout}.
 * @param maxAttempts how many times a job of this type may be started. 1 (the default): a run cut short by a
 *                    stopped or crashed node ends FAILED {@code interrupted}. More than 1 declares the type safe to
 *                    re-run from the start after such an interruption (no side effects that a second run would
 *                    repeat, or only idempotent ones). Operators may lower it, or raise it up to
 *                    {@link #MAX_ATTEMPTS_LIMIT} for a retry-safe type, with {@code jobpulse.jobs.<name>.max-attempts}.
 */
public record JobType(
        String name, String description, List<ParameterSpec> parameters, Optional<Duration> timeout, int maxAttempts) {

    private static final Pattern NAME = Pattern.compile("[a-z][a-z0-9-]{0,62}");
    private static final long DEFAULT_MAX_STRING = 1000;
    /** The most attempts a type or an operator may allow. */
    public static final int MAX_ATTEMPTS_LIMIT = 10;

    public JobType {
        Objects.requireNonNull(description, "description");
        Objects.requireNonNull(timeout, "timeout");
        if (name == null || !NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("job type names are lower-case words: " + name);
        }
        if (timeout.filter(t -> t.isNegative() || t.isZero()).isPresent()) {
            throw new IllegalArgumentException("a job type's timeout must be positive: " + timeout.get());
        }
        if (maxAttempts < 1 || maxAttempts > MAX_ATTEMPTS_LIMIT) {
            throw new IllegalArgumentException(
                    "maxAttempts must be between 1 and " + MAX_ATTEMPTS_LIMIT + ": " + maxAttempts);
        }
        parameters = List.copyOf(parameters);
    }

    /** A type with the default timeout that is not re-run after an interruption. */
    public JobType(String name, String description, List<ParameterSpec> parameters) {
        this(name, description, parameters, Optional.empty(), 1);
    }

    /** This type with its own timeout instead of {@code jobpulse.job-timeout}. */
    public JobType withTimeout(Duration limit) {
        return new JobType(name, description, parameters, Optional.of(limit), maxAttempts);
    }

    /** This type, declared safe to re-run after an interruption, started at most {@code attempts} times. */
    public JobType retrySafe(int attempts) {
        return new JobType(name, description, parameters, timeout, attempts);
    }

    /** True when the type declared itself safe to re-run after an interruption. */
    public boolean isRetrySafe() {
        return maxAttempts > 1;
    }

    /** Checks raw submitted values against the specs; the result has every default filled in. */
    public JobParameters validate(Map<String, Object> raw) throws InvalidParametersException {
        List<Violation> violations = new ArrayList<>();
        Map<String, Object> values = new LinkedHashMap<>();
        for (String key : raw.keySet()) {
            if (parameters.stream().noneMatch(p -> p.name().equals(key))) {
                violations.add(new Violation(key, "unknown parameter for job type " + name));
            }
        }
        for (ParameterSpec spec : parameters) {
            Object value = raw.get(spec.name());
            if (value == null) {
                if (spec.required()) {
                    violations.add(new Violation(spec.name(), "is required"));
                } else if (spec.defaultValue() != null) {
                    values.put(spec.name(), spec.defaultValue());
                }
                continue;
            }
            String problem = check(spec, value);
            if (problem != null) {
                violations.add(new Violation(spec.name(), problem));
            } else {
                values.put(spec.name(), value);
            }
        }
        if (!violations.isEmpty()) {
            throw new InvalidParametersException(violations);
        }
        return new JobParameters(values);
    }

    private static String check(ParameterSpec spec, Object value) {
        return switch (spec.kind()) {
            case INTEGER -> {
                if (!(value instanceof Long n)) {
                    yield "must be an integer";
                }
                if ((spec.min() != null && n < spec.min()) || (spec.max() != null && n > spec.max())) {
                    yield "must be between " + spec.min() + " and " + spec.max();
                }
                yield null;
            }
            case STRING -> {
                if (!(value instanceof String s)) {
                    yield "must be a string";
                }
                long max = spec.max() == null ? DEFAULT_MAX_STRING : spec.max();
                yield s.length() > max ? "must have at most " + max + " characters" : null;
            }
            case BOOLEAN -> value instanceof Boolean ? null : "must be true or false";
        };
    }
}
