package io.jobpulse.it;

import static org.assertj.core.api.Assertions.assertThat;

import jakarta.json.JsonObject;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * {@code GET /jobpulse/metrics} on a real server: only with the scrape token of the integration tests' servers
 * ({@code jobpulse.metrics.token}, pom.xml), in the Prometheus text format, every sample of a declared family, and the
 * counters moving with what the node does (a worker over its report rate, refused 429). The same names on every server.
 */
class MetricsIT extends DeployedWar {

    /** {@code jobpulse.metrics.token} of the servers of the integration tests (pom.xml). */
    static final String TOKEN = "it-metrics-token";

    private static final Pattern SAMPLE =
            Pattern.compile("^([a-zA-Z_:][a-zA-Z0-9_:]*)(\\{[^}]*\\})? (-?[0-9.]+(?:[eE][+-]?[0-9]+)?|NaN|[+-]Inf)$");
    private static final Pattern TYPE = Pattern.compile("^# TYPE ([a-zA-Z_:][a-zA-Z0-9_:]*) [a-z]+$");

    @Test
    void aScrapeWithoutTheTokenIsRefusedAsAProblemAndAnApiKeyIsNoToken() {
        HttpResponse<String> none = new ApiClient(base, null).get("metrics");
        HttpResponse<String> apiKey = alice.get("metrics");

        for (HttpResponse<String> refused : java.util.List.of(none, apiKey)) {
            assertThat(refused.statusCode()).isEqualTo(401);
            assertThat(refused.headers().firstValue("Content-Type"))
                    .hasValueSatisfying(t -> assertThat(t).startsWith("application/problem+json"));
            assertThat(Json.parse(refused.body()).getInt("status")).isEqualTo(401);
        }
    }

    @Test
    void aScrapeParsesAndItsCountersMoveWithWhatTheNodeDoes() throws Exception {
        ApiClient prometheus = new ApiClient(base, TOKEN);
        Map<String, Double> before = scrape(prometheus);
        String refusals = "jobpulse_refusals_total{limit=\"report_rate\"}";
        assertThat(before).containsKeys(refusals, "jobpulse_websocket_closes_total{reason=\"lagging\"}");

        JsonObject job = alice.submit("{\"type\":\"external\",\"name\":\"metrics\",\"params\":{}}");
        ApiClient worker = new ApiClient(base, job.getString("reportToken"));
        // 40 at once, faster than jobpulse.external.reports-per-second (20, bursts of 20) however slow the machine;
        // again while none was refused
        long refused = 0;
        for (int round = 0; round < 10 && refused == 0; round++) {
            List<Integer> statuses = worker.burst(40, "api/jobs/" + job.getString("id") + "/reports", "{}");
            assertThat(statuses).containsOnly(200, 429);
            refused += statuses.stream().filter(status -> status == 429).count();
        }
        assertThat(refused).as("reports refused for the rate").isPositive();

        Map<String, Double> after = scrape(prometheus);
        assertThat(after.get(refusals) - before.get(refusals)).isEqualTo(refused);
    }

    @Test
    void theJobMetersMoveWhileAJobRunsAndWhenItEnds() throws Exception {
        ApiClient prometheus = new ApiClient(base, TOKEN);
        Map<String, Double> before = scrape(prometheus);
        String submitted = "jobpulse_jobs_submitted_total{type=\"steps\"}";
        String started = "jobpulse_jobs_started_total{type=\"steps\"}";
        String succeeded = "jobpulse_jobs_finished_total{outcome=\"succeeded\",type=\"steps\"}";
        String ran = "jobpulse_job_run_seconds_count{type=\"steps\"}";
        String waited = "jobpulse_job_queue_wait_seconds_count{type=\"steps\"}";
        String stored = "jobpulse_events_stored_total";
        String commits = "jobpulse_store_commit_seconds_count";
        assertThat(before)
                .containsKeys(
                        "jobpulse_jobs_queued",
                        "jobpulse_jobs_running",
                        "jobpulse_node_runs",
                        "jobpulse_connections{transport=\"websocket\"}",
                        "jobpulse_connections{transport=\"sse\"}",
                        "jobpulse_connections{transport=\"poll\"}",
                        "jobpulse_subscriptions",
                        "jobpulse_outbox_bytes",
                        "jobpulse_events_published_total",
                        "jobpulse_events_delivered_total",
                        stored,
                        commits);

        String id = alice.submit(
                        "{\"type\":\"steps\",\"name\":\"metered\",\"params\":{\"count\":40,\"intervalMs\":100}}")
                .getString("id");
        // a start (or an end) moves two meters, one after the other, and a scrape is no transaction: a scrape between
        // the two shows only the first, so each wait is for both
        Map<String, Double> running = new HashMap<>();
        Await.until("the scrape shows the job running", Duration.ofSeconds(30), () -> {
            running.clear();
            running.putAll(scrape(prometheus));
            return running.getOrDefault("jobpulse_node_runs", 0.0) >= 1
                    && running.getOrDefault(started, 0.0) > before.getOrDefault(started, 0.0)
                    && running.getOrDefault(waited, 0.0) > before.getOrDefault(waited, 0.0);
        });
        assertThat(running.get(submitted) - before.getOrDefault(submitted, 0.0)).isEqualTo(1);
        assertThat(running.get(waited) - before.getOrDefault(waited, 0.0)).isGreaterThanOrEqualTo(1);

        // the meters count a change once its commit returned: a read can see the job SUCCEEDED a moment before
        Map<String, Double> after = new HashMap<>();
        Await.until("the scrape shows the job's end", Duration.ofSeconds(60), () -> {
            after.clear();
            after.putAll(scrape(prometheus));
            return after.getOrDefault(succeeded, 0.0) > before.getOrDefault(succeeded, 0.0)
                    && after.getOrDefault(ran, 0.0) > before.getOrDefault(ran, 0.0);
        });
        assertThat(alice.job(id).getString("state")).isEqualTo("SUCCEEDED");
        long seq = alice.job(id).getJsonNumber("seq").longValue();
        assertThat(after.get(submitted) - before.getOrDefault(submitted, 0.0)).isEqualTo(1);
        assertThat(after.get(succeeded) - before.getOrDefault(succeeded, 0.0)).isGreaterThanOrEqualTo(1);
        assertThat(after.get(ran) - before.getOrDefault(ran, 0.0)).isGreaterThanOrEqualTo(1);
        assertThat(after.get(stored) - before.get(stored))
                .as("every event of the job")
                .isGreaterThanOrEqualTo(seq);
        assertThat(after.get(commits)).isGreaterThan(before.get(commits));
    }

    /** The samples of one scrape by series; fails unless every line is a comment or a sample of a declared family. */
    static Map<String, Double> scrape(ApiClient prometheus) {
        HttpResponse<String> response = prometheus.get("metrics");
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        // the media type and its version; how the container spaces the parameters is its own (Tomcat drops the spaces)
        assertThat(response.headers().firstValue("Content-Type"))
                .hasValueSatisfying(t -> assertThat(t.replace(" ", "").toLowerCase(java.util.Locale.ROOT))
                        .startsWith("text/plain;version=0.0.4"));
        Set<String> families = new HashSet<>();
        Map<String, Double> samples = new HashMap<>();
        for (String line : (Iterable<String>) response.body().lines()::iterator) {
            Matcher type = TYPE.matcher(line);
            if (type.matches()) {
                families.add(type.group(1));
                continue;
            }
            if (line.startsWith("# HELP ") || line.isEmpty()) {
                continue;
            }
            Matcher sample = SAMPLE.matcher(line);
            assertThat(sample.matches()).as("a sample line: %s", line).isTrue();
            assertThat(families)
                    .as("the family of %s declared before it", line)
                    .anyMatch(f -> sample.group(1).equals(f) || sample.group(1).startsWith(f + "_"));
            samples.put(
                    sample.group(1) + (sample.group(2) == null ? "" : sample.group(2)),
                    Double.valueOf(sample.group(3)));
        }
        return samples;
    }
}
