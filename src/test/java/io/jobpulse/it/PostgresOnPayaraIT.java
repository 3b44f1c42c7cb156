package io.jobpulse.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import jakarta.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * JobPulse on Payara Micro with a real PostgreSQL (embedded binaries, no Docker), configured exactly as an operator
 * would: server-config/payara/postgresql.asadmin as the post-boot file, the driver added to the server, and
 * {@code jobpulse.datasource=jdbc/jobpulse}. Proves the migrations and the store work there, that readiness reports the store DOWN (503, in bounded time) once PostgreSQL stops, and that the rows land
 * in PostgreSQL.
 */
class PostgresOnPayaraIT {

    @Test
    void jobsRunAndAreStoredInPostgresThroughTheServerConfigDataSource() throws Exception {
        Path workDir = Files.createDirectories(Path.of("target", "postgres-it")).toAbsolutePath();
        try (EmbeddedPostgres postgres = EmbeddedPostgres.builder().start()) {
            Map<String, String> environment = PostgresChecks.environment(postgres);
            List<String> settings =
                    List.of("-Djobpulse.datasource=jdbc/jobpulse", "-Djobpulse.api-keys=alice:" + ApiClient.ALICE);
            List<String> microOptions = List.of(
                    "--addlibs",
                    System.getProperty("postgresql.jar"),
                    "--postbootcommandfile",
                    Path.of("server-config", "payara", "postgresql.asadmin")
                            .toAbsolutePath()
                            .toString());
            try (PayaraMicroProcess server = PayaraMicroProcess.start(workDir, settings, environment, microOptions)) {
                ApiClient alice = new ApiClient(server.base(), ApiClient.ALICE);
                String id = alice.submit("{\"type\":\"steps\",\"params\":{\"count\":3,\"intervalMs\":150}}")
                        .getString("id");
                JsonObject done =
                        alice.awaitJob(id, j -> j.getString("state").equals("SUCCEEDED"), Duration.ofSeconds(60));
                assertThat(server.log()).contains("JobPulse store: JNDI DataSource jdbc/jobpulse");

                PostgresChecks.assertStoredInPostgres(postgres, id, done.getInt("seq"));
                PostgresChecks.assertReadinessFollowsTheStore(postgres, server.base());
            }
        }
    }
}
