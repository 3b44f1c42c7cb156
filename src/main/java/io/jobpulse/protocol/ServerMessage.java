package io.jobpulse.protocol;

import io.jobpulse.job.Job;
import io.jobpulse.job.JobEvent;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/** What the server sends, one record per {@code type}; {@link ServerMessageEncoder} writes them. */
public sealed interface ServerMessage {

    /** {@code {"type":"subscribed","job":ID,"resumed":bool}} */
    record Subscribed(String job, boolean resumed) implements ServerMessage {}

    /** {@code {"type":"snapshot","job":JOB_VIEW}} */
    record Snapshot(JsonObject job) implements ServerMessage {

        /** The job as it is now, in the view clients replace their copy with. */
        public static Snapshot of(Job job) {
            return new Snapshot(JobJson.view(job));
        }
    }

    /**
     * An event: its text as encoded once for every watcher ({@link JobJson#eventText}), and, on a coalesced progress
     * event, the range of {@code seq} it stands for. The encoder adds {@code skipped} to the text, so the text itself
     * is shared by every watcher and never edited.
     */
    record Event(String text, Optional<SkippedRange> skipped) implements ServerMessage {

        public Event {
            Objects.requireNonNull(text, "text");
            Objects.requireNonNull(skipped, "skipped");
        }

        /** An event as published, encoded already. */
        public Event(String text) {
            this(text, Optional.empty());
        }

        /** Encodes the event: for replays and history reads, which are per watcher anyway. */
        public static Event of(JobEvent event) {
            return new Event(JobJson.eventText(event));
        }

        /** The same event, standing for the progress events {@code range} that were not sent. */
        public Event skipping(SkippedRange range) {
            return new Event(text, Optional.of(range));
        }
    }

    /**
     * {@code {"type":"batch","messages":[M1,M2,...]}}: several messages that waited for the same connection, in
     * order, in one frame; {@code jobpulse.v2} only, never nested, never empty.
     */
    record Batch(List<ServerMessage> messages) implements ServerMessage {
        public Batch {
            messages = List.copyOf(messages);
            if (messages.size() < 2 || messages.stream().anyMatch(Batch.class::isInstance)) {
                throw new IllegalArgumentException("a batch holds two or more messages, none of them a batch");
            }
        }
    }

    /** {@code {"type":"pong","id":X}} */
    record Pong(JsonValue id) implements ServerMessage {}

    /** {@code {"type":"error","job":ID?,"code":C,"message":M}}; codes are listed in {@link ErrorCode}. */
    record Error(String job, ErrorCode code, String message) implements ServerMessage {

        /**
         * The one answer to an unknown job, a malformed id and a token that does not grant the job, on every
         * transport: they must be indistinguishable.
         */
        public static Error notFound(String job) {
            return new Error(job, ErrorCode.NOT_FOUND, "no such job, or the token does not grant it");
        }
    }
}
