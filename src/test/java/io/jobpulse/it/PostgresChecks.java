package io.jobpulse.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Map;

/** What the PostgreSQL-on-a-server tests share: the server's environment and the check of the stored rows. */
final class PostgresChecks {

    private PostgresChecks() {}

    /** The JOBPULSE_DB_* variables the server-config datasource definitions read. */
    static Map<String, String> environment(EmbeddedPostgres postgres) {
        return Map.of(
                "JOBPULSE_DB_HOST", "127.0.0.1",
                "JOBPULSE_DB_PORT", String.valueOf(postgres.getPort()),
                "JOBPULSE_DB_NAME", "postgres",
                "JOBPULSE_DB_USER", "postgres",
                "JOBPULSE_DB_PASSWORD", "unused-with-trust-auth");
    }

    /** The job is a SUCCEEDED row in PostgreSQL with one event row per seq. */
    static void assertStoredInPostgres(EmbeddedPostgres postgres, String jobId, long seq) throws SQLException {
        try (Connection c = postgres.getPostgresDatabase().getConnection();
                PreparedStatement ps = c.prepareStatement(
                        "SELECT j.state, j.seq, count(e.seq) FROM jp_job j JOIN jp_job_event e ON e.job_id = j.id "
                                + "WHERE j.id = ? GROUP BY j.state, j.seq")) {
            ps.setString(1, jobId);
            try (ResultSet rs = ps.executeQuery()) {
                assertThat(rs.next()).as("the job is a row in PostgreSQL").isTrue();
                assertThat(rs.getString(1)).isEqualTo("SUCCEEDED");
                assertThat(rs.getLong(2)).isEqualTo(seq);
                assertThat(rs.getLong(3)).as("one event row per seq").isEqualTo(seq);
            }
        }
    }
}
