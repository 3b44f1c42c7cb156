package io.jobpulse.it;

import static org.assertj.core.api.Assertions.assertThat;

import jakarta.json.JsonObject;
import java.io.IOException;
import java.net.URI;
import java.net.URL;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Connections per remote address (429) and per node (503), refused at the handshake before any upgrade, with the
 * WAR deployed with tiny limits; clients connect from several loopback addresses (127.0.0.1, .2, .3).
 */
@ExtendWith(ArquillianExtension.class)
class ConnectionLimitsIT {

    @Deployment(testable = false)
    static WebArchive deployment() {
        return Deployments.builtWarWith(Map.of(
                "jobpulse.ws.max-connections", "4",
                "jobpulse.ws.max-connections-per-address", "2"));
    }

    @ArquillianResource
    URL deployment;

    private ApiClient alice;
    private URI ws;
    private final List<RawWebSocket> open = new ArrayList<>();

    @BeforeEach
    void clients() {
        alice = new ApiClient(ApiClient.loopback(deployment), ApiClient.ALICE);
        ws = alice.wsUri();
    }

    /** Closes politely (close frame, then the socket): Tyrus notices a bare TCP close only at the idle timeout. */
    @AfterEach
    void closeAll() throws Exception {
        for (RawWebSocket socket : open) {
            try {
                if (socket.status() == 101) {
                    socket.send(Frames.close(1000, ""));
                    socket.awaitEnding(Duration.ofSeconds(5));
                }
            } catch (IOException | AssertionError e) {
                // the server may have closed it already; the count below is what matters
            } finally {
                socket.close();
            }
        }
        Await.until("no connection left open after the test", Duration.ofSeconds(15), () -> connections() == 0);
    }

    private int connections() {
        return Json.parse(alice.get("api/node").body()).getInt("webSocketConnections");
    }

    private RawWebSocket handshake(String from) throws IOException {
        RawWebSocket socket = RawWebSocket.to(ws).from(from).open();
        open.add(socket);
        return socket;
    }

    private static JsonObject problem(RawWebSocket refused) throws IOException {
        return Json.parse(refused.body());
    }

    @Test
    void eachAddressUpToItsLimitThenTheNodeUpToItsOwn() throws Exception {
        assertThat(handshake("127.0.0.1").status()).isEqualTo(101);
        assertThat(handshake("127.0.0.1").status()).isEqualTo(101);

        RawWebSocket third = handshake("127.0.0.1");
        assertThat(third.status()).as("third connection from one address").isEqualTo(429);
        assertThat(third.header("Retry-After")).isPresent();
        JsonObject body = problem(third);
        assertThat(body.getInt("status")).isEqualTo(429);
        assertThat(body.getString("detail")).contains("jobpulse.ws.max-connections-per-address");

        assertThat(handshake("127.0.0.2").status())
                .as("another address has its own count")
                .isEqualTo(101);
        assertThat(handshake("127.0.0.2").status()).isEqualTo(101);

        RawWebSocket fifth = handshake("127.0.0.3");
        assertThat(fifth.status()).as("fifth connection on a node limited to 4").isEqualTo(503);
        assertThat(fifth.header("Retry-After")).isPresent();
        assertThat(problem(fifth).getString("detail")).contains("jobpulse.ws.max-connections");
    }

    @Test
    void aClosedConnectionFreesItsSlot() throws Exception {
        RawWebSocket first = handshake("127.0.0.1");
        assertThat(handshake("127.0.0.1").status()).isEqualTo(101);
        assertThat(handshake("127.0.0.1").status()).isEqualTo(429);

        first.send(Frames.close(1000, ""));
        first.awaitEnding();
        Await.until("the node counts the closed connection out", Duration.ofSeconds(10), () -> connections() <= 1);
        assertThat(handshake("127.0.0.1").status()).isEqualTo(101);
    }

    @Test
    void handshakesTheContainerRefusesDoNotUseUpTheAddress() throws Exception {
        for (int i = 0; i < 5; i++) {
            RawWebSocket refused =
                    RawWebSocket.to(ws).from("127.0.0.1").version("99").open();
            open.add(refused);
            assertThat(refused.status()).as("unsupported Sec-WebSocket-Version").isBetween(400, 499);
        }
        assertThat(handshake("127.0.0.1").status()).isEqualTo(101);
        assertThat(handshake("127.0.0.1").status()).isEqualTo(101);
    }

    @Test
    void aClientCannotMoveItsConnectionToAnotherAddressWithTheInternalHeader() throws Exception {
        RawWebSocket spoofed = RawWebSocket.to(ws)
                .from("127.0.0.1")
                .header("X-JobPulse-Remote-Address", "198.51.100.7")
                .open();
        open.add(spoofed);
        assertThat(spoofed.status()).isEqualTo(101);
        assertThat(handshake("127.0.0.1").status()).isEqualTo(101);
        assertThat(handshake("127.0.0.1").status())
                .as("both earlier connections count for 127.0.0.1")
                .isEqualTo(429);
    }
}
