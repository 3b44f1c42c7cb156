package io.jobpulse.store;

/** How many jobs the store holds QUEUED and RUNNING, on every node. */
public record ActiveJobs(long queued, long running) {}
