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
 * JobPulse on Tomcat with a real PostgreSQL (embedded binaries, no Docker), configured exactly as an operator
 * would: server-config/tomcat/jobpulse-postgresql.xml as the application's context (a JNDI DataSource from the
 * JOBPULSE_DB_* environment, and the {@code jobpulse.datasource} env-entry), the driver in lib/, and the
 * setenv.sh options. Proves the migrations and the store work there, that readiness reports the store DOWN (503, in bounded time) once PostgreSQL stops. Tomcat only (the tomcat profile).
 *
 * <p>ClusterIT makes the same checks on its nodes, which are configured the same way, on every server type; the
 * Payara Micro and WildFly classes like this one went into it. This one stays on its own because ClusterIT runs once
 * per server type ({@link OncePerServerType}, left out of .ci/run's Tomcat 11 pass), and this one runs in that pass
 * too: it is the only test of JobPulse on PostgreSQL through Tomcat 11's own pool.
 */
class PostgresOnTomcatIT {

    @Test
    void jobsRunAndAreStoredInPostgresThroughTheServerConfigDataSource() throws Exception {
        String home = System.getProperty("tomcat.catalinaHome");
        assumeTrue(home != null, "Tomcat only: runs in the tomcat profile (mvn verify -Ptomcat)");
        Path workDir =
                Files.createDirectories(Path.of("target", "postgres-tomcat-it")).toAbsolutePath();
        try (EmbeddedPostgres postgres = EmbeddedPostgres.builder().start()) {
            String options = System.getProperty("tomcat.javaVmArguments", "")
                            .replaceAll("-Djobpulse\\.(api-keys|admin-clients)=\\S+", "")
                    + " -Djobpulse.api-keys=alice:" + ApiClient.ALICE;
            try (TomcatProcess tomcat = TomcatProcess.start(
                    Path.of(home),
                    Path.of(System.getProperty("jobpulse.war")),
                    Map.of("jobpulse.xml", Path.of("server-config", "tomcat", "jobpulse-postgresql.xml")),
                    List.of(Path.of(System.getProperty("postgresql.jar"))),
                    options,
                    PostgresChecks.environment(postgres),
                    workDir)) {
                ApiClient alice = new ApiClient(tomcat.base(), ApiClient.ALICE);
                String id = alice.submit("{\"type\":\"steps\",\"params\":{\"count\":3,\"intervalMs\":150}}")
                        .getString("id");
                JsonObject done =
                        alice.awaitJob(id, j -> j.getString("state").equals("SUCCEEDED"), Duration.ofSeconds(60));
                assertThat(tomcat.log()).contains("JobPulse store: JNDI DataSource java:comp/env/jdbc/jobpulse");

                PostgresChecks.assertStoredInPostgres(postgres.getPostgresDatabase(), id, done.getInt("seq"));
                PostgresChecks.assertReadinessFollowsTheStore(postgres, tomcat.base());
            }
        }
    }
}
