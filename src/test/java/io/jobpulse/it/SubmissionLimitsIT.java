package io.jobpulse.it;

import static org.assertj.core.api.Assertions.assertThat;

import jakarta.json.JsonObject;
import java.net.URL;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * {@code jobpulse.rest.submissions-per-minute} on a deployment that allows 30: a flood from alice is answered 429 with
 * {@code Retry-After} and its own problem type, bob is not affected, and a repeat of a request alice already made
 * (same Idempotency-Key) still gets its job.
 */
// runs once, on Tomcat 10.1: the submission rate limit is counted by JobPulse, not the container
@ContainerIndependent
@ExtendWith(ArquillianExtension.class)
class SubmissionLimitsIT {

    static final int PER_MINUTE = 30;
    private static final String QUICK = "{\"type\":\"steps\",\"params\":{\"count\":1,\"intervalMs\":0}}";

    @Deployment(testable = false)
    static WebArchive deployment() {
        return Deployments.builtWarWith(Map.of("jobpulse.rest.submissions-per-minute", String.valueOf(PER_MINUTE)));
    }

    @ArquillianResource
    URL deployment;

    private ApiClient alice;
    private ApiClient bob;

    @BeforeEach
    void clients() {
        alice = new ApiClient(ApiClient.loopback(deployment), ApiClient.ALICE);
        bob = new ApiClient(ApiClient.loopback(deployment), ApiClient.BOB);
    }

    @Test
    void aFloodIs429WithRetryAfterWhileOthersAndRepeatsAreServed() {
        String key = UUID.randomUUID().toString();
        HttpResponse<String> first = alice.post("api/jobs", QUICK, key);
        assertThat(first.statusCode()).as(first.body()).isEqualTo(202);
        long refusedBefore = counter(bob, "rest-submissions-refused");

        List<Integer> statuses = new ArrayList<>();
        HttpResponse<String> refused = null;
        for (int i = 0; i < 3 * PER_MINUTE && refused == null; i++) {
            HttpResponse<String> response = alice.post("api/jobs", QUICK);
            statuses.add(response.statusCode());
            if (response.statusCode() == 429) {
                refused = response;
            }
        }
        assertThat(refused).as("a 429 within %s submissions", 3 * PER_MINUTE).isNotNull();
        // the bucket starts full and refills one token every 2 s while the flood runs
        assertThat(statuses.subList(0, statuses.size() - 1))
                .allMatch(s -> s == 202)
                .hasSizeBetween(PER_MINUTE - 1, PER_MINUTE + 10);
        JsonObject problem = RestHostileInputIT.assertProblem(refused, 429, "Too Many Submissions");
        assertThat(problem.getString("type")).isEqualTo("urn:jobpulse:problem:submission-rate");
        assertThat(problem.getString("detail")).contains(PER_MINUTE + " submissions per minute");
        assertThat(refused.headers().firstValue("Retry-After"))
                .hasValueSatisfying(
                        seconds -> assertThat(Integer.parseInt(seconds)).isBetween(1, 60 / PER_MINUTE));

        assertThat(alice.post("api/jobs", QUICK).statusCode())
                .as("still refused")
                .isEqualTo(429);
        HttpResponse<String> repeat = alice.post("api/jobs", QUICK, key);
        assertThat(repeat.statusCode())
                .as("a repeat creates nothing and is not refused")
                .isEqualTo(202);
        assertThat(Json.parse(repeat.body()).getString("id"))
                .isEqualTo(Json.parse(first.body()).getString("id"));
        assertThat(bob.post("api/jobs", QUICK).statusCode())
                .as("bob has his own rate")
                .isEqualTo(202);
        assertThat(alice.get("api/jobs?limit=1").statusCode())
                .as("reads are not limited")
                .isEqualTo(200);
        assertThat(counter(bob, "rest-submissions-refused")).isGreaterThanOrEqualTo(refusedBefore + 2);
    }

    static long counter(ApiClient client, String name) {
        return Json.parse(client.get("api/node").body())
                .getJsonObject("counters")
                .getJsonNumber(name)
                .longValue();
    }
}
