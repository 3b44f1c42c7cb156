package io.jobpulse.store;

import io.jobpulse.job.Job;
import io.jobpulse.job.JobEvent;
import java.util.Optional;

/** A committed change of one job: its new version and the event stored with it (none for a flag-only change). */
public record Change(Job job, Optional<JobEvent> event) {}
