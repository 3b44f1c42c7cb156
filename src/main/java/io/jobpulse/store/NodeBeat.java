package io.jobpulse.store;

/** What a node reports about itself in each heartbeat. */
public record NodeBeat(boolean stopping, String busState, int runningJobs, int connections) {}
