package io.jobpulse.it;

import static org.assertj.core.api.Assertions.assertThat;

import jakarta.json.JsonObject;
import java.net.URI;
import java.net.URL;
import java.time.Duration;
import java.util.Map;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The per-connection limits of docs/limits.md, each tripped on the real server with the WAR deployed with low
 * settings: message rate (4029), subscribe deadline (4001), connections per API client (4013), message size (1009).
 */
@ExtendWith(ArquillianExtension.class)
class SessionLimitsIT {

    private static final int RATE = 5;
    private static final int MAX_SUBSCRIPTIONS = 10;
    private static final Duration DEADLINE = Duration.ofSeconds(2);

    @Deployment(testable = false)
    static WebArchive deployment() {
        return Deployments.builtWarWith(Map.of(
                "jobpulse.ws.max-messages-per-second",
                Integer.toString(RATE),
                "jobpulse.ws.max-subscriptions",
                Integer.toString(MAX_SUBSCRIPTIONS),
                "jobpulse.ws.subscribe-deadline",
                DEADLINE.toSeconds() + "s",
                "jobpulse.ws.max-connections-per-client",
                "2",
                "jobpulse.ws.max-message-bytes",
                "1024"));
    }

    @ArquillianResource
    URL deployment;

    private ApiClient alice;
    private ApiClient bob;
    private URI ws;

    @BeforeEach
    void clients() {
        URI base = ApiClient.loopback(deployment);
        alice = new ApiClient(base, ApiClient.ALICE);
        bob = new ApiClient(base, ApiClient.BOB);
        ws = alice.wsUri();
    }

    private JsonObject longJob(ApiClient owner) {
        return owner.submit("{\"type\":\"steps\",\"params\":{\"count\":600,\"intervalMs\":100}}");
    }

    private static void subscribed(WsClient client, JsonObject job) throws Exception {
        client.subscribe(job.getString("id"), job.getString("watchToken"));
        JsonObject first = client.next();
        assertThat(first.getString("type")).as(first.toString()).isEqualTo("subscribed");
    }

    private static long counter(ApiClient api, String name) {
        return Json.parse(api.get("api/node").body())
                .getJsonObject("counters")
                .getJsonNumber(name)
                .longValue();
    }

    private static int connections(ApiClient api) {
        return Json.parse(api.get("api/node").body()).getInt("webSocketConnections");
    }

    @ContainerIndependent // counted by JobPulse per session / per API client
    @Test
    void aBurstPassesButAFloodIsClosedWith4029() throws Exception {
        long before = counter(alice, "ws-closed-rate");
        try (WsClient client = WsClient.connect(ws)) {
            int burst = MAX_SUBSCRIPTIONS + RATE;
            for (int i = 0; i < burst; i++) {
                client.send("{\"type\":\"ping\",\"id\":" + i + "}");
            }
            for (int i = 0; i < burst; i++) {
                JsonObject pong = client.next();
                assertThat(pong.getString("type")).isEqualTo("pong");
                assertThat(pong.getInt("id")).isEqualTo(i);
            }
            for (int i = 0; i < 3 * burst && client.isOpen(); i++) {
                client.send("{\"type\":\"ping\",\"id\":\"flood\"}");
            }
            assertThat(client.awaitClose()).isEqualTo(4029);
        }
        assertThat(counter(alice, "ws-closed-rate")).isGreaterThan(before);
    }

    @Test
    void aConnectionThatDoesNotSubscribeInTimeIsClosedWith4001EvenWhileItPings() throws Exception {
        try (WsClient client = WsClient.connect(ws)) {
            // pings every 400 ms until the server closes: they must not count as subscribing
            Duration closedAfter = Await.until(
                    "the server closes the connection", DEADLINE.multipliedBy(4), Duration.ofMillis(400), () -> {
                        if (!client.isOpen()) {
                            return true;
                        }
                        client.send("{\"type\":\"ping\",\"id\":1}");
                        return false;
                    });
            assertThat(client.awaitClose()).isEqualTo(4001);
            assertThat(closedAfter).isBetween(DEADLINE.minusMillis(100), DEADLINE.multipliedBy(3));
        }
    }

    @Test
    void aConnectionThatSubscribedStaysOpenPastTheDeadline() throws Exception {
        JsonObject job = longJob(alice);
        try (WsClient client = WsClient.connect(ws)) {
            subscribed(client, job);
            Thread.sleep(DEADLINE.multipliedBy(2).toMillis());
            client.send("{\"type\":\"ping\",\"id\":\"still\"}");
            JsonObject message;
            do {
                message = client.next();
            } while (!message.getString("type").equals("pong"));
            assertThat(message.getString("id")).isEqualTo("still");
        } finally {
            alice.post("api/jobs/" + job.getString("id") + "/cancel", "");
        }
    }

    @ContainerIndependent // counted by JobPulse per session / per API client
    @Test
    void anApiClientsJobsAreWatchedOverAtMostItsConnectionLimit() throws Exception {
        JsonObject alicesJob = longJob(alice);
        JsonObject bobsJob = longJob(bob);
        long before = counter(alice, "ws-closed-client-connections");
        try (WsClient first = WsClient.connect(ws);
                WsClient second = WsClient.connect(ws);
                WsClient third = WsClient.connect(ws);
                WsClient bobs = WsClient.connect(ws)) {
            subscribed(first, alicesJob);
            subscribed(second, alicesJob);
            third.subscribe(alicesJob.getString("id"), alicesJob.getString("watchToken"));
            assertThat(third.awaitClose()).isEqualTo(4013);
            subscribed(bobs, bobsJob);

            int open = connections(alice);
            first.close();
            Await.until(
                    "the node counts the closed connection out",
                    Duration.ofSeconds(10),
                    () -> connections(alice) < open);
            try (WsClient again = WsClient.connect(ws)) {
                subscribed(again, alicesJob); // the slot first held is free again
            }
        } finally {
            alice.post("api/jobs/" + alicesJob.getString("id") + "/cancel", "");
            bob.post("api/jobs/" + bobsJob.getString("id") + "/cancel", "");
        }
        assertThat(counter(alice, "ws-closed-client-connections")).isGreaterThan(before);
    }

    @Test
    void theConfiguredMessageSizeIsEnforcedWith1009() throws Exception {
        try (WsClient client = WsClient.connect(ws)) {
            String small = "{\"type\":\"ping\",\"id\":\"" + "x".repeat(500) + "\",\"pad\":\"" + "y".repeat(450) + "\"}";
            client.send(small);
            assertThat(client.next().getString("type")).isEqualTo("pong");
        }
        // the raw client reads the close frame itself (the JDK client once reported 1006 for it on Tomcat)
        try (RawWebSocket raw = RawWebSocket.connectUpgraded(ws)) {
            raw.send(Frames.text("{\"type\":\"ping\",\"id\":\"" + "x".repeat(1100) + "\"}"));
            RawWebSocket.Ending ending = raw.awaitEnding();
            assertThat(ending.summary()).isEqualTo("close 1009");
        }
    }
}
