package io.jobpulse.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * The health probes of docs/api.md on a running server, without an API key: {@code /health/live} and
 * {@code /health/ready} answer 200 with their exact bodies, uncached. Runs on every server: the probes are a servlet,
 * and the readiness flips hang on the order in which each server's CDI calls the observers of the application scope.
 * The store and stopping checks going DOWN are ReadinessTest's and ReadinessInProcessTest's, and the store's under
 * each server's own pool ClusterIT's and PostgresOnTomcatIT's (they stop PostgreSQL); LoadBalancerIT watches a load
 * balancer act on them.
 */
class HealthIT extends DeployedWar {

    private static final Duration TIMEOUT = Duration.ofSeconds(20);
    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(TIMEOUT).build();

    @Test
    void liveAnswers200StatusUpWithoutAnApiKey() throws Exception {
        HttpResponse<String> live = send("GET", "health/live");
        assertThat(live.statusCode()).isEqualTo(200);
        assertThat(live.body()).isEqualTo("{\"status\":\"UP\"}");
        assertUncachedJson(live);
    }

    @Test
    void readyAnswers200WithEveryCheckUpWithoutAnApiKey() throws Exception {
        HttpResponse<String> ready = send("GET", "health/ready");
        assertThat(ready.statusCode()).isEqualTo(200);
        assertThat(ready.body())
                .isEqualTo("{\"status\":\"UP\",\"checks\":{\"started\":\"UP\",\"store\":\"UP\",\"stopping\":\"UP\"}}");
        assertUncachedJson(ready);
    }

    @Test
    void headAnswersTheSameStatusWithoutABody() throws Exception {
        HttpResponse<String> ready = send("HEAD", "health/ready");
        assertThat(ready.statusCode()).isEqualTo(200);
        assertThat(ready.body()).isEmpty();
        assertThat(ready.headers().firstValue("Cache-Control")).hasValue("no-store");
    }

    @Test
    void onlyReadingIsAllowedAndNoOtherPathIsAProbe() throws Exception {
        assertThat(send("POST", "health/ready").statusCode()).isEqualTo(405);
        assertThat(send("DELETE", "health/live").statusCode()).isEqualTo(405);
        assertThat(send("GET", "health/other").statusCode()).isEqualTo(404);
        assertThat(send("GET", "api/health/ready").statusCode())
                .as("not under the API")
                .isEqualTo(404);
    }

    private HttpResponse<String> send(String method, String path) throws Exception {
        return http.send(
                HttpRequest.newBuilder(base.resolve(path))
                        .timeout(TIMEOUT)
                        .method(method, HttpRequest.BodyPublishers.noBody())
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static void assertUncachedJson(HttpResponse<String> response) {
        assertThat(response.headers().firstValue("Content-Type"))
                .hasValueSatisfying(type -> assertThat(type).startsWith("application/json"));
        assertThat(response.headers().firstValue("Cache-Control")).hasValue("no-store");
    }
}
