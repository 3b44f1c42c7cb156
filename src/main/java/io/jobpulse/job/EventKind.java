package io.jobpulse.job;

/** What a stored event records: a change of state, or only new progress within the same state. */
public enum EventKind {
    STATE,
    PROGRESS
}
