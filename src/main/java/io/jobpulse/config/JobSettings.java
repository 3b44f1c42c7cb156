package io.jobpulse.config;

import java.time.Duration;

/**
 * Every setting about running jobs on this node: the unprefixed job keys and, through {@link #types()}, the per-type
 * {@code jobpulse.jobs.<type>.*} overrides.
 *
 * @param maxRunningJobs         {@code jobpulse.max-running-jobs}: jobs running at once on this node
 * @param progressRate           {@code jobpulse.progress-rate}: stored and pushed progress updates per second per job
 * @param lease                  {@code jobpulse.lease}: the lease a node holds on a running job, renewed every
 *                               third by the database's clock; a job whose lease ran out is recovered by any node
 * @param shutdownGrace          {@code jobpulse.shutdown-grace}: how long running jobs get to stop at undeploy
 * @param jobTimeout             {@code jobpulse.job-timeout}: run time of a job whose type declares none
 * @param maxQueuedJobsPerClient {@code jobpulse.max-queued-jobs-per-client}: QUEUED jobs per API client (429)
 * @param types                  {@code jobpulse.jobs.<type>.timeout} and {@code jobpulse.jobs.<type>.max-attempts}
 */
public record JobSettings(
        int maxRunningJobs,
        double progressRate,
        Duration lease,
        Duration shutdownGrace,
        Duration jobTimeout,
        int maxQueuedJobsPerClient,
        JobTypeOverrides types) {

    static JobSettings read(SettingReader r) {
        Duration jobTimeout = r.duration("jobpulse.job-timeout", Duration.ofHours(1));
        return new JobSettings(
                r.count("jobpulse.max-running-jobs", 4),
                r.rate("jobpulse.progress-rate", 10.0),
                r.duration("jobpulse.lease", Duration.ofSeconds(30)),
                r.duration("jobpulse.shutdown-grace", Duration.ofSeconds(10)),
                jobTimeout,
                r.count("jobpulse.max-queued-jobs-per-client", 1000),
                new JobTypeOverrides(r, jobTimeout));
    }
}
