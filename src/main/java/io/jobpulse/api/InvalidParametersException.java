package io.jobpulse.api;

import java.util.List;

/** A submission whose parameters do not fit the job type; lists every problem, one line per parameter. */
public class InvalidParametersException extends Exception {

    /** One problem with one parameter. */
    public record Violation(String parameter, String message) {}

    private final transient List<Violation> violations;

    public InvalidParametersException(List<Violation> violations) {
        super(violations.stream()
                .map(v -> v.parameter() + ": " + v.message())
                .reduce((a, b) -> a + "; " + b)
                .orElse(""));
        this.violations = List.copyOf(violations);
    }

    public InvalidParametersException(String parameter, String message) {
        this(List.of(new Violation(parameter, message)));
    }

    public List<Violation> violations() {
        return violations;
    }
}
