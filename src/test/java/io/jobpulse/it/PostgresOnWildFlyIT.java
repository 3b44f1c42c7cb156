package io.jobpulse.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import jakarta.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * JobPulse on WildFly with a real PostgreSQL (embedded binaries, no Docker), configured exactly as an operator
 * would: the wildfly profile applies server-config/wildfly/jobpulse.cli and then postgresql.cli (driver deployment,
 * {@code java:jboss/datasources/JobPulseDS}, {@code jobpulse.datasource}) to a server base directory of its own
 * ({@code wildfly.postgres-base}); the connection details come from the environment. Proves the migrations and the
 * store work there, that the rows land in PostgreSQL, and that readiness reports the store DOWN (503, in bounded
 * time) once PostgreSQL stops. WildFly only (mvn verify -Pwildfly).
 */
class PostgresOnWildFlyIT {

    @Test
    void jobsRunAndAreStoredInPostgresThroughTheServerConfigDataSource() throws Exception {
        String base = System.getProperty("wildfly.postgres-base");
        assumeTrue(base != null, "WildFly only: runs in the wildfly profile (mvn verify -Pwildfly)");
        Path baseDir = Path.of(base);
        assertThat(baseDir.resolve("configuration").resolve("standalone.xml")).exists();
        try (EmbeddedPostgres postgres = EmbeddedPostgres.builder().start()) {
            Map<String, String> environment = PostgresChecks.environment(postgres);
            List<String> settings = List.of(
                    "-Djobpulse.api-keys=alice:" + ApiClient.ALICE,
                    "-Djobpulse.data-dir=" + Files.createDirectories(baseDir.resolve("h2-unused")));
            int portOffset = Integer.parseInt(System.getProperty("wildfly.postgres-port-offset", "310"));
            try (WildFlyProcess server = WildFlyProcess.start(baseDir, portOffset, settings, environment)) {
                ApiClient alice = new ApiClient(server.base(), ApiClient.ALICE);
                String id = alice.submit("{\"type\":\"steps\",\"params\":{\"count\":3,\"intervalMs\":150}}")
                        .getString("id");
                JsonObject done =
                        alice.awaitJob(id, j -> j.getString("state").equals("SUCCEEDED"), Duration.ofSeconds(60));
                assertThat(server.log()).contains("JobPulse store: JNDI DataSource java:jboss/datasources/JobPulseDS");

                PostgresChecks.assertStoredInPostgres(postgres, id, done.getInt("seq"));
                PostgresChecks.assertReadinessFollowsTheStore(postgres, server.base());
            }
        }
    }
}
