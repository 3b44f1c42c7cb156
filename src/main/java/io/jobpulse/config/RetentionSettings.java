package io.jobpulse.config;

import java.time.Duration;
import java.util.Optional;

/**
 * Every {@code jobpulse.retention*} setting: how long ended jobs keep their history. Each is a duration counted from
 * the job's end ({@code finished_at}), or {@code off} (also {@code 0}) for never.
 *
 * @param keep         {@code jobpulse.retention}: an ended job, with all its events and its idempotency key, is deleted
 *                     this long after it ended; empty: never (default 7 days)
 * @param compactAfter {@code jobpulse.retention.compact-after}: this long after a job ended, its progress events but
 *                     the newest are deleted (every state event and the terminal one stay); empty: never (default 1
 *                     hour)
 */
public record RetentionSettings(Optional<Duration> keep, Optional<Duration> compactAfter) {

    public static final Duration DEFAULT_KEEP = Duration.ofDays(7);
    public static final Duration DEFAULT_COMPACT_AFTER = Duration.ofHours(1);

    /** Nothing is ever deleted nor compacted. */
    public static final RetentionSettings OFF = new RetentionSettings(Optional.empty(), Optional.empty());

    static RetentionSettings read(SettingReader r) {
        return new RetentionSettings(
                r.durationOrOff("jobpulse.retention", DEFAULT_KEEP),
                r.durationOrOff("jobpulse.retention.compact-after", DEFAULT_COMPACT_AFTER));
    }

    /** True when the sweeper has anything to do. */
    public boolean enabled() {
        return keep.isPresent() || compactAfter.isPresent();
    }
}
