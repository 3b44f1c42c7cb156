package io.jobpulse.client;

import jakarta.json.JsonObject;
import java.time.Instant;
import java.util.Optional;

/**
 * One stored event of a job, as the WebSocket delivers it (docs/protocol.md): its {@code seq} (1 for {@code QUEUED},
 * one more for each event), whether it changed the state or only the progress, the state and progress after it, and
 * on a terminal event the result or the error.
 *
 * @param job the job's id
 * @param seq the event's number within the job
 * @param kind {@link Kind#STATE} when the state changed, {@link Kind#PROGRESS} when only the progress did
 * @param state the state after the event
 * @param progress the progress after the event
 * @param at when it happened
 * @param result the result, on a {@code SUCCEEDED} event only
 * @param error the error, on a {@code FAILED} event only
 * @param skipped the progress-only events the server left out before this one for a reader that fell behind (never a
 *     state change)
 */
public record JobEvent(
        String job,
        long seq,
        Kind kind,
        JobState state,
        Progress progress,
        Instant at,
        Optional<JsonObject> result,
        Optional<JobError> error,
        Optional<SkippedRange> skipped) {

    /** What an event changed. */
    public enum Kind {
        STATE,
        PROGRESS
    }

    /**
     * The events {@code from}..{@code to} (inclusive) were progress-only and coalesced into the event that carries
     * this range.
     */
    public record SkippedRange(long from, long to) {}

    /** Whether this is the job's last event. */
    public boolean isTerminal() {
        return state.isTerminal();
    }
}
