package io.jobpulse.it;

import static org.assertj.core.api.Assertions.assertThat;

import jakarta.json.JsonObject;
import java.net.URL;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * {@code jobpulse.max-queued-jobs-per-client} on a deployment that allows 3: once alice has 3 jobs waiting, her next
 * submission is 429 with {@code Retry-After} and its own problem type; bob is not affected; a cancelled job frees
 * her place. Long jobs fill the node's running slots so that later ones stay QUEUED.
 */
// runs once, on Tomcat 10.1: the queued-jobs limit is JobPulse's own bookkeeping
@ContainerIndependent
@ExtendWith(ArquillianExtension.class)
class QueuedJobsLimitIT {

    static final int MAX_QUEUED = 3;
    private static final String LONG = "{\"type\":\"steps\",\"params\":{\"count\":600,\"intervalMs\":100}}";

    @Deployment(testable = false)
    static WebArchive deployment() {
        return Deployments.builtWarWith(Map.of("jobpulse.max-queued-jobs-per-client", String.valueOf(MAX_QUEUED)));
    }

    @ArquillianResource
    URL deployment;

    private ApiClient alice;
    private ApiClient bob;
    private final List<ApiClient> owners = new ArrayList<>();
    private final List<String> submitted = new ArrayList<>();

    @BeforeEach
    void clients() {
        alice = new ApiClient(ApiClient.loopback(deployment), ApiClient.ALICE);
        bob = new ApiClient(ApiClient.loopback(deployment), ApiClient.BOB);
    }

    @AfterEach
    void cancelEverything() {
        for (int i = 0; i < submitted.size(); i++) {
            owners.get(i).post("api/jobs/" + submitted.get(i) + "/cancel", "");
        }
    }

    @Test
    void aFullQueueIs429UntilAPlaceIsFreed() throws Exception {
        String key = UUID.randomUUID().toString();
        HttpResponse<String> refused = null;
        String firstKeyed = null;
        for (int i = 0; i < 20 && refused == null; i++) {
            HttpResponse<String> response = i == 0 ? alice.post("api/jobs", LONG, key) : alice.post("api/jobs", LONG);
            if (response.statusCode() == 429) {
                refused = response;
            } else {
                assertThat(response.statusCode()).as(response.body()).isEqualTo(202);
                remember(alice, Json.parse(response.body()).getString("id"));
                firstKeyed = i == 0 ? submitted.get(0) : firstKeyed;
            }
        }
        assertThat(refused).as("a 429 within 20 long jobs").isNotNull();
        JsonObject problem = RestHostileInputIT.assertProblem(refused, 429, "Too Many Queued Jobs");
        assertThat(problem.getString("type")).isEqualTo("urn:jobpulse:problem:queued-jobs");
        assertThat(problem.getString("detail")).contains("At most " + MAX_QUEUED + " jobs");
        assertThat(refused.headers().firstValue("Retry-After")).contains("10");
        List<String> queued = queued(alice);
        assertThat(queued).hasSizeGreaterThanOrEqualTo(MAX_QUEUED);

        HttpResponse<String> repeat = alice.post("api/jobs", LONG, key);
        assertThat(repeat.statusCode()).as("a repeat of an accepted request").isEqualTo(202);
        assertThat(Json.parse(repeat.body()).getString("id")).isEqualTo(firstKeyed);

        HttpResponse<String> bobs = bob.post("api/jobs", LONG);
        assertThat(bobs.statusCode()).as("bob has his own queue").isEqualTo(202);
        remember(bob, Json.parse(bobs.body()).getString("id"));

        for (String id : queued) {
            assertThat(alice.post("api/jobs/" + id + "/cancel", "").statusCode())
                    .isEqualTo(202);
        }
        alice.awaitJob(queued.get(0), j -> j.getString("state").equals("CANCELLED"), Duration.ofSeconds(10));
        HttpResponse<String> again = alice.post("api/jobs", LONG);
        assertThat(again.statusCode()).as("a freed place: " + again.body()).isEqualTo(202);
        remember(alice, Json.parse(again.body()).getString("id"));
    }

    private void remember(ApiClient owner, String id) {
        owners.add(owner);
        submitted.add(id);
    }

    private static List<String> queued(ApiClient client) {
        return Json.parse(client.get("api/jobs?state=QUEUED&limit=100").body())
                .getJsonArray("jobs")
                .getValuesAs(JsonObject.class)
                .stream()
                .map(j -> j.getString("id"))
                .toList();
    }
}
