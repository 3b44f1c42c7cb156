package io.jobpulse.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;

/**
 * A jp_job row as a cluster stored it, with its events' seqs and, in seq order, the states its STATE events recorded:
 * what the cluster ITs check in the shared PostgreSQL (one claim, one end, no gap in seq).
 */
record StoredJob(
        String id,
        String state,
        long seq,
        int attempt,
        String ownerNode,
        Instant startedAt,
        Instant finishedAt,
        List<Long> eventSeqs,
        List<String> stateEvents) {

    /** The rows of these jobs with their events, in submission order. */
    static Map<String, StoredJob> read(DataSource database, List<String> ids) throws SQLException {
        Map<String, StoredJob> jobs = new LinkedHashMap<>();
        try (Connection c = database.getConnection()) {
            Array wanted = c.createArrayOf("varchar", ids.toArray());
            try (PreparedStatement ps = c.prepareStatement(
                    "SELECT id, state, seq, attempt, owner_node, started_at, finished_at FROM jp_job "
                            + "WHERE id = ANY (?) ORDER BY row_no")) {
                ps.setArray(1, wanted);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        jobs.put(
                                rs.getString(1),
                                new StoredJob(
                                        rs.getString(1),
                                        rs.getString(2),
                                        rs.getLong(3),
                                        rs.getInt(4),
                                        rs.getString(5),
                                        instant(rs, 6),
                                        instant(rs, 7),
                                        new ArrayList<>(),
                                        new ArrayList<>()));
                    }
                }
            }
            try (PreparedStatement ps = c.prepareStatement(
                    "SELECT job_id, seq, kind, state FROM jp_job_event WHERE job_id = ANY (?) ORDER BY job_id, seq")) {
                ps.setArray(1, wanted);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        StoredJob job = jobs.get(rs.getString(1));
                        assertThat(job)
                                .as("job of event %s/%d", rs.getString(1), rs.getLong(2))
                                .isNotNull();
                        job.eventSeqs().add(rs.getLong(2));
                        if (rs.getString(3).equals("STATE")) {
                            job.stateEvents().add(rs.getString(4));
                        }
                    }
                }
            }
        }
        return jobs;
    }

    private static Instant instant(ResultSet rs, int column) throws SQLException {
        OffsetDateTime at = rs.getObject(column, OffsetDateTime.class);
        return at == null ? null : at.toInstant();
    }
}
