package io.jobpulse.config;

/**
 * Every {@code jobpulse.rest.*} setting. The queue bound per client, {@code jobpulse.max-queued-jobs-per-client}, is a
 * job setting ({@link JobSettings}) although REST enforces it.
 *
 * @param maxBodyBytes         {@code jobpulse.rest.max-body-bytes}: largest accepted request body (413)
 * @param submissionsPerMinute {@code jobpulse.rest.submissions-per-minute}: job submissions per API client (429)
 */
public record RestSettings(int maxBodyBytes, int submissionsPerMinute) {

    static RestSettings read(SettingReader r) {
        return new RestSettings(
                r.count("jobpulse.rest.max-body-bytes", 1024 * 1024),
                r.count("jobpulse.rest.submissions-per-minute", 600));
    }
}
