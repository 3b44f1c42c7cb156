package io.jobpulse.websocket;

import static org.assertj.core.api.Assertions.assertThat;

import io.jobpulse.inprocess.JsonText;
import io.jobpulse.inprocess.ManualTicker;
import io.jobpulse.metrics.NodeMetrics;
import io.jobpulse.protocol.AppCloseCode;
import io.jobpulse.protocol.ClientMessage;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@link Connection}'s answers and limits that need no job: pong, errors, the message rate (4029, exact with a
 * ticker that stands still), and the idle and no-subscription clocks. Subscribing is asserted at the wire, in
 * {@code inprocess.WebSocketProtocolTest} and {@code inprocess.SessionLimitsTest}.
 */
class ConnectionTest {

    private static final int MAX_SUBSCRIPTIONS = 3;
    private static final int RATE = 2;
    private final FakeSession fake = new FakeSession();
    private final ManualTicker ticker = new ManualTicker();
    private final List<AppCloseCode> closes = new ArrayList<>();
    private final Connection connection;

    ConnectionTest() {
        fake.completeInline = true;
        SessionOutbox outbox = new SessionOutbox(
                fake.session,
                new SessionOutbox.Bounds(100, 1 << 20, 64 * 1024, Duration.ofSeconds(30), 0),
                new NodeMetrics(),
                Runnable::run,
                ticker);
        connection = new Connection(
                outbox,
                new io.jobpulse.watch.WatchService(),
                MAX_SUBSCRIPTIONS,
                RATE,
                new Connection.Supervision(client -> true, closes::add),
                ticker);
    }

    private JsonObject lastFrame() {
        return JsonText.parse(fake.frames.get(fake.frames.size() - 1));
    }

    @Test
    void aPingIsAnsweredWithAPongCarryingItsId() {
        connection.handle(new ClientMessage.Ping(Json.createValue("abc")));
        assertThat(fake.frames).containsExactly("{\"type\":\"pong\",\"id\":\"abc\"}");
    }

    @Test
    void anInvalidMessageIsAnInvalidMessageErrorNamingItsJob() {
        connection.handle(new ClientMessage.Invalid("subscribe", "j1", "token is missing"));
        JsonObject error = lastFrame();
        assertThat(error.getString("type")).isEqualTo("error");
        assertThat(error.getString("job")).isEqualTo("j1");
        assertThat(error.getString("code")).isEqualTo("invalid_message");
        assertThat(error.getString("message")).contains("token is missing");
    }

    @Test
    void unsubscribingAJobItDoesNotWatchIsNotSubscribed() {
        connection.handle(new ClientMessage.Unsubscribe("j2"));
        assertThat(lastFrame().getString("code")).isEqualTo("not_subscribed");
        assertThat(connection.subscriptionCount()).isZero();
    }

    @Test
    void aBurstOfMaxSubscriptionsPlusTheRatePassesThenTheConnectionIsClosedOnceWith4029AndIgnoresTheRest() {
        for (int i = 0; i < MAX_SUBSCRIPTIONS + RATE; i++) {
            connection.handle(new ClientMessage.Ping(Json.createValue(i)));
        }
        assertThat(fake.frames).hasSize(MAX_SUBSCRIPTIONS + RATE);
        assertThat(closes).isEmpty();
        connection.handle(new ClientMessage.Ping(Json.createValue(99)));
        connection.handle(new ClientMessage.Ping(Json.createValue(100)));
        ticker.advance(Duration.ofSeconds(10));
        connection.handle(new ClientMessage.Ping(Json.createValue(101)));
        assertThat(closes).containsExactly(AppCloseCode.RATE_LIMITED);
        assertThat(fake.frames).hasSize(MAX_SUBSCRIPTIONS + RATE);
    }

    @Test
    void theRateRefillsAtItsPace() {
        for (int i = 0; i < MAX_SUBSCRIPTIONS + RATE; i++) {
            connection.handle(new ClientMessage.Ping(Json.createValue(i)));
        }
        ticker.advance(Duration.ofMillis(1000 / RATE));
        connection.handle(new ClientMessage.Ping(Json.createValue("one more")));
        assertThat(closes).isEmpty();
        connection.handle(new ClientMessage.Ping(Json.createValue("too many")));
        assertThat(closes).containsExactly(AppCloseCode.RATE_LIMITED);
    }

    @Test
    void idleTimeCountsFromTheLastClientMessageAndTheNoSubscriptionTimeFromTheOpening() {
        ticker.advance(Duration.ofSeconds(5));
        assertThat(connection.idleNanos(ticker.nanoTime()))
                .isEqualTo(Duration.ofSeconds(5).toNanos());
        connection.handle(new ClientMessage.Ping(Json.createValue(1)));
        ticker.advance(Duration.ofSeconds(2));
        assertThat(connection.idleNanos(ticker.nanoTime()))
                .isEqualTo(Duration.ofSeconds(2).toNanos());
        assertThat(connection.unsubscribedNanos(ticker.nanoTime()))
                .as("pings do not count as a subscription")
                .isEqualTo(Duration.ofSeconds(7).toNanos());
    }

    @Test
    void closingDiscardsTheOutbox() {
        connection.close();
        connection.handle(new ClientMessage.Ping(Json.createValue(1)));
        assertThat(fake.frames).isEmpty();
    }
}
