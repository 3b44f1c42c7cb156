package io.jobpulse.config;

import java.time.Duration;

/**
 * Every {@code jobpulse.external.*} setting: jobs run by a worker outside JobPulse, which reports over REST.
 *
 * @param heartbeatTimeout  {@code jobpulse.external.heartbeat-timeout}: how long the worker of a job of a type that
 *                          declares none may stay silent (from submit while QUEUED, from its last report while
 *                          RUNNING) before the job ends FAILED {@code worker_lost}
 * @param reportsPerSecond  {@code jobpulse.external.reports-per-second}: reports per job a node accepts in a second
 *                          (429 above)
 * @param reportTokenTtl    {@code jobpulse.external.report-token-ttl}: how long a report token is valid
 */
public record ExternalSettings(Duration heartbeatTimeout, int reportsPerSecond, Duration reportTokenTtl) {

    static ExternalSettings read(SettingReader r) {
        return new ExternalSettings(
                r.duration("jobpulse.external.heartbeat-timeout", Duration.ofSeconds(60)),
                r.count("jobpulse.external.reports-per-second", 20),
                r.duration("jobpulse.external.report-token-ttl", Duration.ofHours(24)));
    }
}
