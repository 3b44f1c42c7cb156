package io.jobpulse.execution;

/** The JSON type a job parameter takes. */
public enum ParameterKind {
    INTEGER,
    STRING,
    BOOLEAN
}
