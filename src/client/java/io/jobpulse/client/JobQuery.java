package io.jobpulse.client;

import java.util.Objects;
import java.util.Optional;

/**
 * Which page of the caller's jobs {@link JobPulseClient#list(JobQuery)} asks for: newest first, optionally of one
 * state, {@code limit} (1-100) at a time, after a cursor of the previous page.
 */
public record JobQuery(Optional<JobState> state, int limit, Optional<String> cursor) {

    /** The server's default page size. */
    public static final int DEFAULT_LIMIT = 20;

    public JobQuery {
        Objects.requireNonNull(state, "state");
        Objects.requireNonNull(cursor, "cursor");
        if (limit < 1 || limit > 100) {
            throw new IllegalArgumentException("limit must be between 1 and 100: " + limit);
        }
    }

    /** The first page of every job, {@value #DEFAULT_LIMIT} at a time. */
    public static JobQuery all() {
        return new JobQuery(Optional.empty(), DEFAULT_LIMIT, Optional.empty());
    }

    public JobQuery withState(JobState only) {
        return new JobQuery(Optional.of(only), limit, cursor);
    }

    public JobQuery withLimit(int pageSize) {
        return new JobQuery(state, pageSize, cursor);
    }

    /** The page after the one whose {@code nextCursor} this is. */
    public JobQuery after(String nextCursor) {
        return new JobQuery(state, limit, Optional.of(nextCursor));
    }
}
