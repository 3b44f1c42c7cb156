package io.jobpulse.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import jakarta.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * JobPulse on Payara Micro with a real PostgreSQL (embedded binaries, no Docker), configured exactly as an operator
 * would: server-config/payara/postgresql.asadmin as the post-boot file, the driver added to the server, and
 * {@code jobpulse.datasource=jdbc/jobpulse}. Proves the migrations and the store work there, and that the rows land
 * in PostgreSQL.
 */
class PostgresOnPayaraIT {

    @Test
    void jobsRunAndAreStoredInPostgresThroughTheServerConfigDataSource() throws Exception {
        Path workDir = Files.createDirectories(Path.of("target", "postgres-it")).toAbsolutePath();
        try (EmbeddedPostgres postgres = EmbeddedPostgres.builder().start()) {
            Map<String, String> environment = Map.of(
                    "JOBPULSE_DB_HOST", "127.0.0.1",
                    "JOBPULSE_DB_PORT", String.valueOf(postgres.getPort()),
                    "JOBPULSE_DB_NAME", "postgres",
                    "JOBPULSE_DB_USER", "postgres",
                    "JOBPULSE_DB_PASSWORD", "unused-with-trust-auth");
            List<String> settings = List.of("-Djobpulse.datasource=jdbc/jobpulse",
                    "-Djobpulse.api-keys=alice:" + ApiClient.ALICE);
            List<String> microOptions = List.of("--addlibs", System.getProperty("postgresql.jar"),
                    "--postbootcommandfile", Path.of("server-config", "payara", "postgresql.asadmin").toAbsolutePath().toString());
            try (PayaraMicroProcess server = PayaraMicroProcess.start(workDir, settings, environment, microOptions)) {
                ApiClient alice = new ApiClient(server.base(), ApiClient.ALICE);
                String id = alice.submit("{\"type\":\"steps\",\"params\":{\"count\":3,\"intervalMs\":150}}").getString("id");
                JsonObject done = alice.awaitJob(id, j -> j.getString("state").equals("SUCCEEDED"), Duration.ofSeconds(60));
                assertThat(server.log()).contains("JobPulse store: JNDI DataSource jdbc/jobpulse");

                try (Connection c = postgres.getPostgresDatabase().getConnection();
                     PreparedStatement ps = c.prepareStatement(
                             "SELECT j.state, j.seq, count(e.seq) FROM jp_job j JOIN jp_job_event e ON e.job_id = j.id "
                                     + "WHERE j.id = ? GROUP BY j.state, j.seq")) {
                    ps.setString(1, id);
                    try (ResultSet rs = ps.executeQuery()) {
                        assertThat(rs.next()).as("the job is a row in PostgreSQL").isTrue();
                        assertThat(rs.getString(1)).isEqualTo("SUCCEEDED");
                        assertThat(rs.getLong(2)).isEqualTo(done.getInt("seq"));
                        assertThat(rs.getLong(3)).as("one event row per seq").isEqualTo(done.getInt("seq"));
                    }
                }
            }
        }
    }
}
