package io.jobpulse.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jobpulse.config.WebSocketSettings;
import jakarta.json.JsonObject;
import java.net.http.WebSocketHandshakeException;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The WebSocket contract of docs/protocol.md: handshake origin policy, close codes, errors that keep the connection. */
class WebSocketProtocolIT extends DeployedWar {

    @Test
    void binaryMessageClosesWith1003() throws Exception {
        try (WsClient client = WsClient.connect(ws)) {
            client.sendBinary(new byte[] {1, 2, 3});
            assertThat(client.awaitClose()).isEqualTo(1003);
        }
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "not json",
                "[1,2]",
                "{\"type\":\"subscribe\"",
                "{\"type\":\"launch-missiles\"}",
                "{\"type\":\"event\",\"job\":\"x\"}",
                "{\"type\":\"snapshot\"}",
                "{\"job\":\"x\"}",
                "\"subscribe\""
            })
    void textThatIsNotAKnownClientMessageClosesWith1007(String text) throws Exception {
        try (WsClient client = WsClient.connect(ws)) {
            client.send(text);
            assertThat(client.awaitClose()).isEqualTo(1007);
        }
    }

    @Test
    void messageOverTheSizeLimitClosesWith1009() throws Exception {
        // just over the limit: a client still writing a much larger message may find the connection closed under it
        int over = WebSocketSettings.defaults().maxMessageBytes() + 100;
        try (WsClient client = WsClient.connect(ws)) {
            client.send("{\"type\":\"ping\",\"id\":\"" + "x".repeat(over) + "\"}");
            assertThat(client.awaitClose()).isEqualTo(1009);
        }
    }

    @Test
    void pingIsAnsweredWithPongCarryingTheSameId() throws Exception {
        try (WsClient client = WsClient.connect(ws)) {
            client.send("{\"type\":\"ping\",\"id\":\"abc-1\"}");
            JsonObject pong = client.next();
            assertThat(pong.getString("type")).isEqualTo("pong");
            assertThat(pong.getString("id")).isEqualTo("abc-1");
            client.send("{\"type\":\"ping\",\"id\":42}");
            assertThat(client.next().getInt("id")).isEqualTo(42);
        }
    }

    @ContainerIndependent // answered by JobPulse on an open connection
    @Test
    void unknownJobForeignTokenAndBadIdAllAnswerNotFoundAndKeepTheConnection() throws Exception {
        JsonObject mine = alice.submit("{\"type\":\"steps\",\"params\":{\"count\":1,\"intervalMs\":0}}");
        JsonObject other = alice.submit("{\"type\":\"steps\",\"params\":{\"count\":1,\"intervalMs\":0}}");
        try (WsClient client = WsClient.connect(ws)) {
            client.subscribe("AAAAAAAAAAAAAAAAAAAAAA", mine.getString("watchToken"));
            assertError(client.next(), "not_found");
            client.subscribe(other.getString("id"), mine.getString("watchToken"));
            assertError(client.next(), "not_found");
            client.subscribe(mine.getString("id"), mine.getString("watchToken") + "x");
            assertError(client.next(), "not_found");
            client.subscribe("../../etc/passwd", mine.getString("watchToken"));
            assertError(client.next(), "not_found");
            client.send("{\"type\":\"ping\",\"id\":1}");
            assertThat(client.next().getString("type")).isEqualTo("pong");
        }
    }

    @ContainerIndependent // answered by JobPulse on an open connection
    @Test
    void knownTypeWithBadFieldsIsAnErrorAndTheConnectionStaysOpen() throws Exception {
        try (WsClient client = WsClient.connect(ws)) {
            client.send("{\"type\":\"subscribe\",\"job\":\"abc\"}");
            assertError(client.next(), "invalid_message");
            client.send("{\"type\":\"subscribe\",\"job\":\"abc\",\"token\":\"t\",\"since\":-1}");
            assertError(client.next(), "invalid_message");
            client.send("{\"type\":\"unsubscribe\",\"job\":\"AAAAAAAAAAAAAAAAAAAAAA\"}");
            assertError(client.next(), "not_subscribed");
            client.send("{\"type\":\"ping\",\"id\":2}");
            assertThat(client.next().getString("type")).isEqualTo("pong");
        }
    }

    @ContainerIndependent // answered by JobPulse on an open connection
    @Test
    void subscribingTwiceToOneJobIsAnError() throws Exception {
        JsonObject job = alice.submit("{\"type\":\"steps\",\"params\":{\"count\":200,\"intervalMs\":100}}");
        try (WsClient client = WsClient.connect(ws)) {
            client.subscribe(job.getString("id"), job.getString("watchToken"));
            assertThat(client.next().getString("type")).isEqualTo("subscribed");
            client.subscribe(job.getString("id"), job.getString("watchToken"));
            JsonObject message;
            do {
                message = client.next();
            } while (!message.getString("type").equals("error"));
            assertError(message, "already_subscribed");
        } finally {
            alice.post("api/jobs/" + job.getString("id") + "/cancel", "");
        }
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "https://evil.example.org",
                "null",
                "https://app.example.com.evil.com",
                "http://app.example.com",
                "https://app.example.com:8443"
            })
    void foreignOriginIsRefusedWith403(String origin) {
        assertThatThrownBy(() -> WsClient.connect(ws, origin))
                .isInstanceOf(ExecutionException.class)
                .cause()
                .isInstanceOf(WebSocketHandshakeException.class)
                .satisfies(e -> assertThat(
                                ((WebSocketHandshakeException) e).getResponse().statusCode())
                        .isEqualTo(403));
    }

    @Test
    void sameOriginAndAllowedOriginsConnect() throws Exception {
        try (WsClient sameOrigin = WsClient.connect(ws, "http://" + ws.getRawAuthority());
                WsClient allowed = WsClient.connect(ws, "https://app.example.com")) {
            sameOrigin.send("{\"type\":\"ping\",\"id\":1}");
            allowed.send("{\"type\":\"ping\",\"id\":2}");
            assertThat(sameOrigin.next().getInt("id")).isEqualTo(1);
            assertThat(allowed.next().getInt("id")).isEqualTo(2);
        }
    }

    private static void assertError(JsonObject message, String code) {
        assertThat(message.getString("type")).isEqualTo("error");
        assertThat(message.getString("code")).isEqualTo(code);
        assertThat(message.getString("message")).isNotBlank();
    }
}
