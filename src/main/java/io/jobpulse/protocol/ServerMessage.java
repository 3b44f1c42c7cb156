package io.jobpulse.protocol;

import jakarta.json.JsonObject;
import jakarta.json.JsonValue;

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

    /** {@code {"type":"pong","id":X}} */
    record Pong(JsonValue id) implements ServerMessage {
    }

    /** {@code {"type":"error","job":ID?,"code":C,"message":M}}; codes are listed in {@link ErrorCode}. */
    record Error(String job, ErrorCode code, String message) implements ServerMessage {
    }
}
