package io.jobpulse.api;

/** The JSON type a job parameter takes. */
public enum ParameterKind {
    INTEGER,
    STRING,
    BOOLEAN
}
