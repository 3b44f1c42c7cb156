package io.jobpulse.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Map;
import javax.sql.DataSource;

/**
 * What the tests of JobPulse on PostgreSQL through a server's own DataSource share (the cluster nodes,
 * {@link ServerOnPostgres}, and PostgresOnTomcatIT): the server's environment, the check of the stored rows, and the
 * readiness probe following the database through the server's own connection pool.
 */
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
    static void assertStoredInPostgres(DataSource database, String jobId, long seq) throws SQLException {
        try (Connection c = database.getConnection();
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

    /** The longest a readiness probe may take to answer, the database up or down (it says within about 1 s). */
    static final Duration PROBE_BOUND = Duration.ofSeconds(4);

    /** The readiness a server reports with every check UP. */
    static final String READY_UP =
            "{\"status\":\"UP\",\"checks\":{\"started\":\"UP\",\"store\":\"UP\",\"stopping\":\"UP\"}}";

    /** The readiness a server reports once its pool finds PostgreSQL gone. */
    static final String READY_STORE_DOWN =
            "{\"status\":\"DOWN\",\"checks\":{\"started\":\"UP\",\"store\":\"DOWN\",\"stopping\":\"UP\"}}";

    /**
     * Readiness is UP while PostgreSQL answers through the server's pool; once PostgreSQL is stopped (here, for
     * good), it turns 503 with the store check DOWN, every answer within {@link #PROBE_BOUND}, while liveness stays
     * 200.
     */
    static void assertReadinessFollowsTheStore(EmbeddedPostgres postgres, URI base) throws Exception {
        assertReady(base);
        postgres.close();
        awaitStoreDown(base);
    }

    /** Readiness answers 200 within {@link #PROBE_BOUND}: PostgreSQL answers through the server's pool. */
    static void assertReady(URI base) throws Exception {
        HttpResponse<String> up = probe(http(), base.resolve("health/ready"));
        assertThat(up.statusCode()).as(up.body()).isEqualTo(200);
    }

    /**
     * With PostgreSQL stopped: readiness turns 503 with the store check DOWN (within 30 s), and stays so on the next
     * probe; every answer comes within {@link #PROBE_BOUND}; liveness stays 200.
     */
    static void awaitStoreDown(URI base) throws Exception {
        HttpClient http = http();
        Await.until("readiness of " + base + " to report the stopped PostgreSQL", Duration.ofSeconds(30), () -> {
            HttpResponse<String> ready = probe(http, base.resolve("health/ready"));
            if (ready.statusCode() == 200) {
                return false;
            }
            assertThat(ready.statusCode()).isEqualTo(503);
            assertThat(ready.body()).isEqualTo(READY_STORE_DOWN);
            return true;
        });
        assertThat(probe(http, base.resolve("health/ready")).statusCode())
                .as("and again, from the cached answer or a new query")
                .isEqualTo(503);
        HttpResponse<String> live = probe(http, base.resolve("health/live"));
        assertThat(live.statusCode()).isEqualTo(200);
        assertThat(live.body()).isEqualTo("{\"status\":\"UP\"}");
    }

    /**
     * With PostgreSQL back: readiness turns 200 with every check UP again (within {@code timeout}), each answer within
     * {@link #PROBE_BOUND}.
     */
    static void awaitReadyAgain(URI base, Duration timeout) throws Exception {
        HttpClient http = http();
        Await.until("readiness of " + base + " UP again with PostgreSQL back", timeout, () -> {
            HttpResponse<String> ready = probe(http, base.resolve("health/ready"));
            if (ready.statusCode() != 200) {
                assertThat(ready.statusCode()).isEqualTo(503);
                return false;
            }
            assertThat(ready.body()).isEqualTo(READY_UP);
            return true;
        });
    }

    private static HttpClient http() {
        return HttpClient.newBuilder().connectTimeout(PROBE_BOUND).build();
    }

    /** GET {@code uri}, failing when the answer takes longer than {@link #PROBE_BOUND}. */
    private static HttpResponse<String> probe(HttpClient http, URI uri) throws Exception {
        long start = System.nanoTime();
        HttpResponse<String> response = http.send(
                HttpRequest.newBuilder(uri).timeout(PROBE_BOUND.multipliedBy(2)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(Duration.ofNanos(System.nanoTime() - start))
                .as("%s answered within %s", uri, PROBE_BOUND)
                .isLessThan(PROBE_BOUND);
        return response;
    }
}
