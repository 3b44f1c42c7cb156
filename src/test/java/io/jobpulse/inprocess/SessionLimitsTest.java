package io.jobpulse.inprocess;

import static io.jobpulse.inprocess.WebSocketProtocolTest.assertSubscribed;
import static org.assertj.core.api.Assertions.assertThat;

import io.jobpulse.websocket.OpenSessions;
import jakarta.json.JsonObject;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A connection's limits at the wire, with time moved by hand ({@link ManualTicker}): subscribe deadline (4001), idle
 * (4000), message rate (4029), connections per API client (4013), subscriptions per connection. The ticker stands
 * still unless a test moves it, so the message-rate bucket never refills and every count here is exact.
 */
class SessionLimitsTest {

    static final int RATE = 2;
    static final int MAX_SUBSCRIPTIONS = 3;

    static InProcessServer server;
    static Rest rest;
    final List<JsonObject> jobs = new ArrayList<>();

    @BeforeAll
    static void start() throws Exception {
        server = InProcessServer.start(Map.of(
                "jobpulse.ws.max-messages-per-second", Integer.toString(RATE),
                "jobpulse.ws.max-subscriptions", Integer.toString(MAX_SUBSCRIPTIONS),
                "jobpulse.ws.max-connections-per-client", "1",
                "jobpulse.ws.subscribe-deadline", "1s",
                "jobpulse.ws.idle-timeout", "2s",
                "jobpulse.ws.max-lag", "10s"));
        rest = server.rest();
    }

    @AfterAll
    static void stop() throws Exception {
        if (server != null) {
            server.close();
        }
    }

    /** Every connection of a test is gone (and its client slot free) before the next one starts. */
    @AfterEach
    void nothingLeftOpen() throws Exception {
        for (JsonObject job : jobs) {
            rest.http()
                    .send(
                            HttpRequest.newBuilder(server.api("jobs/" + job.getString("id") + "/cancel"))
                                    .POST(HttpRequest.BodyPublishers.noBody())
                                    .build(),
                            HttpResponse.BodyHandlers.discarding());
        }
        OpenSessions open = server.bean(OpenSessions.class);
        Await.until(open::size, n -> n == 0, "every connection of the test closed");
    }

    private JsonObject longJob() throws Exception {
        JsonObject job = rest.steps(1000, 100);
        jobs.add(job);
        return job;
    }

    @Test
    void aConnectionThatDoesNotSubscribeInTimeIsClosedWith4001EvenWhileItPings() throws Exception {
        try (WsClient ws = WsClient.v1(server)) {
            ws.send("{\"type\":\"ping\",\"id\":1}");
            assertThat(ws.next().getString("type")).isEqualTo("pong");
            server.ticker().advance(Duration.ofMillis(900));
            ws.send("{\"type\":\"ping\",\"id\":2}");
            assertThat(ws.next().getString("type")).isEqualTo("pong");
            server.ticker().advance(Duration.ofMillis(200));
            assertThat(ws.awaitClose()).isEqualTo(4001);
        }
    }

    @Test
    void aConnectionThatSubscribedStaysOpenPastTheDeadlineAndIsClosedWith4000OnlyWhenIdle() throws Exception {
        JsonObject job = longJob();
        try (WsClient ws = WsClient.v1(server)) {
            ws.subscribe(job);
            assertSubscribed(ws.next(), job, false);
            server.ticker().advance(Duration.ofMillis(1500));
            ws.send("{\"type\":\"ping\",\"id\":\"still here\"}");
            JsonObject pong = Await.until(ws::next, m -> "pong".equals(m.getString("type")), "the pong");
            assertThat(pong.getString("id")).isEqualTo("still here");
            // events flowing to the client do not count: only what it sends
            server.ticker().advance(Duration.ofMillis(1900));
            ws.send("{\"type\":\"ping\",\"id\":3}");
            assertThat(Await.until(ws::next, m -> "pong".equals(m.getString("type")), "the pong")
                            .getInt("id"))
                    .isEqualTo(3);
            assertThat(ws.isClosed()).isFalse();
            server.ticker().advance(Duration.ofMillis(2100));
            assertThat(ws.awaitClose()).isEqualTo(4000);
        }
    }

    @Test
    void aBurstOfMaxSubscriptionsPlusTheRatePassesAndOneMoreMessageIsClosedWith4029() throws Exception {
        int burst = MAX_SUBSCRIPTIONS + RATE;
        try (WsClient ws = WsClient.v1(server)) {
            for (int i = 1; i <= burst; i++) {
                ws.send("{\"type\":\"ping\",\"id\":" + i + "}");
            }
            for (int i = 1; i <= burst; i++) {
                assertThat(ws.nextFrame()).isEqualTo("{\"type\":\"pong\",\"id\":" + i + "}");
            }
            ws.send("{\"type\":\"ping\",\"id\":\"one too many\"}");
            assertThat(ws.awaitClose()).isEqualTo(4029);
            assertThat(ws.pollFrame(Duration.ZERO))
                    .as("no answer to the message over the rate")
                    .isNull();
        }
    }

    @Test
    void theRateRefillsWithTime() throws Exception {
        int burst = MAX_SUBSCRIPTIONS + RATE;
        try (WsClient ws = WsClient.v1(server)) {
            for (int i = 1; i <= burst; i++) {
                ws.send("{\"type\":\"ping\",\"id\":" + i + "}");
                assertThat(ws.next().getInt("id")).isEqualTo(i);
            }
            server.ticker().advance(Duration.ofMillis(1000 / RATE));
            ws.send("{\"type\":\"ping\",\"id\":\"refilled\"}");
            assertThat(ws.next().getString("id")).isEqualTo("refilled");
            ws.send("{\"type\":\"ping\",\"id\":\"empty again\"}");
            assertThat(ws.awaitClose()).isEqualTo(4029);
        }
    }

    @Test
    void aSecondConnectionOfAnApiClientAtItsLimitIsClosedWith4013AndTheFirstGoesOn() throws Exception {
        JsonObject first = longJob();
        JsonObject second = longJob();
        try (WsClient a = WsClient.v1(server);
                WsClient b = WsClient.v1(server)) {
            a.subscribe(first);
            assertSubscribed(a.next(), first, false);
            b.subscribe(second);
            assertThat(b.awaitClose()).isEqualTo(4013);
            a.send("{\"type\":\"ping\",\"id\":1}");
            assertThat(Await.until(a::next, m -> "pong".equals(m.getString("type")), "the pong")
                            .getInt("id"))
                    .isEqualTo(1);
        }
    }

    @Test
    void aClosedConnectionFreesItsApiClientSlot() throws Exception {
        JsonObject job = longJob();
        try (WsClient a = WsClient.v1(server)) {
            a.subscribe(job);
            assertSubscribed(a.next(), job, false);
        }
        OpenSessions open = server.bean(OpenSessions.class);
        Await.until(open::size, n -> n == 0, "the first connection closed");
        try (WsClient b = WsClient.v1(server)) {
            b.subscribe(job);
            assertSubscribed(b.next(), job, false);
        }
    }

    @Test
    void subscriptionsBeyondTheLimitAreRefusedWithAnErrorAndTheConnectionStaysOpen() throws Exception {
        List<JsonObject> four = List.of(longJob(), longJob(), longJob(), longJob());
        try (WsClient ws = WsClient.v1(server)) {
            for (JsonObject job : four) {
                ws.subscribe(job);
            }
            JsonObject error = Await.until(ws::next, m -> "error".equals(m.getString("type")), "the refusal");
            assertThat(error.getString("code")).isEqualTo("too_many_subscriptions");
            assertThat(error.getString("job")).isEqualTo(four.get(3).getString("id"));
            assertThat(ws.isClosed()).isFalse();
        }
    }
}
