package io.jobpulse.execution;

import io.jobpulse.execution.InvalidParametersException.Violation;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;

/** What a job type is called, what it does, and the parameters it takes. */
public record JobType(String name, String description, List<ParameterSpec> parameters) {

    private static final Pattern NAME = Pattern.compile("[a-z][a-z0-9-]{0,62}");
    private static final long DEFAULT_MAX_STRING = 1000;

    public JobType {
        Objects.requireNonNull(description, "description");
        if (name == null || !NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("job type names are lower-case words: " + name);
        }
        parameters = List.copyOf(parameters);
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
