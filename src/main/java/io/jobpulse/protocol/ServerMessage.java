package io.jobpulse.protocol;

import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import java.util.List;

/** What the server sends, one record per {@code type}. */
public sealed interface ServerMessage {

    /** {@code {"type":"subscribed","job":ID,"resumed":bool}} */
    record Subscribed(String job, boolean resumed) implements ServerMessage {
    }

    /** {@code {"type":"snapshot","job":JOB_VIEW}} */
    record Snapshot(JsonObject job) implements ServerMessage {
    }

    /** An event, already encoded once for every watcher ({@link JobJson#eventText}). */
    record Event(String text) implements ServerMessage {
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
    record Pong(JsonValue id) implements ServerMessage {
    }

    /** {@code {"type":"error","job":ID?,"code":C,"message":M}}; codes are listed in {@link ErrorCode}. */
    record Error(String job, ErrorCode code, String message) implements ServerMessage {
    }
}
