package io.jobpulse.store;

import io.jobpulse.job.EventKind;
import io.jobpulse.job.Job;
import io.jobpulse.job.JobError;
import io.jobpulse.job.JobEvent;
import io.jobpulse.job.JobId;
import io.jobpulse.job.JobState;
import io.jobpulse.job.Progress;
import io.jobpulse.json.JsonMaps;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Map;

/** Maps jobs and events to and from table rows. */
final class JobRows {

    /** The columns a new job's row is written with ({@link JdbcJobStore}'s insert). */
    static final String INSERT_COLUMNS = "id, job_type, job_name, owner, state, seq, progress_done, progress_total, "
            + "progress_message, params, result, error_kind, error_message, created_at, started_at, finished_at, "
            + "cancel_requested, attempt, owner_node, is_external";
    /** The columns {@link #job} reads: those written at insert, and the time of an external job's last report. */
    static final String JOB_COLUMNS = INSERT_COLUMNS + ", last_report_at";

    static final String EVENT_COLUMNS = "job_id, seq, kind, state, progress_done, progress_total, progress_message, "
            + "result, error_kind, error_message, occurred_at";

    private JobRows() {}

    static Job job(ResultSet rs) throws SQLException {
        return new Job(
                new JobId(rs.getString("id")),
                rs.getString("job_type"),
                rs.getString("job_name"),
                rs.getString("owner"),
                JobState.valueOf(rs.getString("state")),
                rs.getLong("seq"),
                new Progress(
                        rs.getLong("progress_done"), rs.getLong("progress_total"), rs.getString("progress_message")),
                JsonMaps.toMap(JsonMaps.parseObject(rs.getString("params"))),
                map(rs.getString("result")),
                error(rs),
                instant(rs, "created_at"),
                instant(rs, "started_at"),
                instant(rs, "finished_at"),
                rs.getBoolean("cancel_requested"),
                rs.getInt("attempt"),
                rs.getString("owner_node"),
                rs.getBoolean("is_external"),
                instant(rs, "last_report_at"));
    }

    static JobEvent event(ResultSet rs) throws SQLException {
        return new JobEvent(
                new JobId(rs.getString("job_id")),
                rs.getLong("seq"),
                EventKind.valueOf(rs.getString("kind")),
                JobState.valueOf(rs.getString("state")),
                new Progress(
                        rs.getLong("progress_done"), rs.getLong("progress_total"), rs.getString("progress_message")),
                instant(rs, "occurred_at"),
                map(rs.getString("result")),
                error(rs));
    }

    /** Binds the 11 event columns in {@link #EVENT_COLUMNS} order. */
    static void bindEvent(PreparedStatement ps, JobEvent e) throws SQLException {
        ps.setString(1, e.jobId().value());
        ps.setLong(2, e.seq());
        ps.setString(3, e.kind().name());
        ps.setString(4, e.state().name());
        ps.setLong(5, e.progress().done());
        ps.setLong(6, e.progress().total());
        ps.setString(7, e.progress().message());
        ps.setString(8, json(e.result()));
        ps.setString(9, e.error() == null ? null : e.error().kind());
        ps.setString(10, e.error() == null ? null : e.error().message());
        setInstant(ps, 11, e.at());
    }

    static String json(Map<String, Object> map) {
        return map == null ? null : JsonMaps.write(JsonMaps.toJson(map));
    }

    static void setInstant(PreparedStatement ps, int index, Instant instant) throws SQLException {
        if (instant == null) {
            ps.setNull(index, Types.TIMESTAMP_WITH_TIMEZONE);
        } else {
            // not OffsetDateTime.ofInstant: on Java 17 that builds a new ZoneRules at every call, about 1 % of a busy
            // node's samples (docs/performance.md)
            ps.setObject(
                    index,
                    OffsetDateTime.of(
                            LocalDateTime.ofEpochSecond(instant.getEpochSecond(), instant.getNano(), ZoneOffset.UTC),
                            ZoneOffset.UTC));
        }
    }

    static Instant instant(ResultSet rs, String column) throws SQLException {
        OffsetDateTime value = rs.getObject(column, OffsetDateTime.class);
        return value == null ? null : value.toInstant();
    }

    private static Map<String, Object> map(String json) {
        return json == null ? null : JsonMaps.toMap(JsonMaps.parseObject(json));
    }

    private static JobError error(ResultSet rs) throws SQLException {
        String kind = rs.getString("error_kind");
        return kind == null ? null : new JobError(kind, rs.getString("error_message"));
    }
}
