package io.jobpulse.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Handshakes no browser sends, or no allowed page: origins, versions, header floods and handshakes that never end.
 * The IT servers allow the origin {@code https://app.example.com}. Each answer is recorded for docs/bad-input.md.
 */
class HostileHandshakeIT extends UnderHostileInput {

    private static final Duration FAST = Duration.ofSeconds(5);

    @ParameterizedTest(name = "[{index}] {0}")
    @ValueSource(
            strings = {
                "https://evil.example.org",
                "null",
                "https://app.example.com.evil.com",
                "https://app.example.com@evil.com",
                "http://app.example.com",
                "https://APP.example.com.",
                ""
            })
    void foreignNullAndLookAlikeOriginsAreRefusedWith403(String origin) throws Exception {
        try (RawWebSocket socket = RawWebSocket.to(ws).origin(origin).open()) {
            observed("Origin: " + (origin.isEmpty() ? "(empty)" : origin), "HTTP " + socket.status());
            assertThat(socket.status()).isEqualTo(403);
            assertThat(socket.header("Content-Type")).contains("application/problem+json");
            assertThat(socket.header("Sec-WebSocket-Accept")).isEmpty();
        }
    }

    @Test
    void allowedOriginSwitchesProtocols() throws Exception {
        try (RawWebSocket socket =
                RawWebSocket.to(ws).origin("https://app.example.com").open()) {
            observed("Origin: https://app.example.com (allowed)", "HTTP " + socket.status());
            assertThat(socket.status()).isEqualTo(101);
            assertThat(socket.acceptIsValid()).isTrue();
            assertThat(socket.header("Sec-WebSocket-Protocol")).contains("jobpulse.v1");
        }
    }

    @ParameterizedTest(name = "[{index}] version {0}")
    @ValueSource(strings = {"8", "12", "14", "abc", ""})
    void wrongWebSocketVersionIsRefused(String version) throws Exception {
        try (RawWebSocket socket = RawWebSocket.to(ws).version(version).open()) {
            String answer = "HTTP " + socket.status()
                    + socket.header("Sec-WebSocket-Version")
                            .map(v -> ", Sec-WebSocket-Version: " + v)
                            .orElse("");
            observed("Sec-WebSocket-Version: " + (version.isEmpty() ? "(empty)" : version), answer);
            // Undertow (WildFly) still speaks the hybi-08 draft and lets other versions reach the servlet layer (404)
            int expected = on(426, 426, version.equals("8") ? 101 : 404);
            assertThat(socket.status()).as(answer).isEqualTo(expected);
            if (expected != 101) {
                assertThat(socket.header("Sec-WebSocket-Accept")).isEmpty();
            }
        }
    }

    @Test
    void versionListThatIncludes13() throws Exception {
        try (RawWebSocket socket = RawWebSocket.to(ws).version("13, 8").open()) {
            observed("Sec-WebSocket-Version: 13, 8", "HTTP " + socket.status());
            // Tomcat takes a list that contains 13; RFC 6455 section 4.2.1 asks for exactly 13
            assertThat(socket.status()).isEqualTo(on(426, 101, 404));
        }
    }

    @Test
    void missingWebSocketVersionIsRefused() throws Exception {
        try (RawWebSocket socket = RawWebSocket.to(ws).version(null).open()) {
            observed("no Sec-WebSocket-Version", "HTTP " + socket.status());
            assertThat(socket.status()).isEqualTo(on(426, 426, 404));
        }
    }

    @Test
    void missingKeyIsRefused() throws Exception {
        try (RawWebSocket socket =
                RawWebSocket.to(ws).header("Sec-WebSocket-Key", null).open()) {
            observed("no Sec-WebSocket-Key", "HTTP " + socket.status());
            // Tyrus (Payara) and Undertow (WildFly) do not take it for a handshake; the servlet layer answers 404
            assertThat(socket.status()).isEqualTo(on(404, 400, 404));
        }
    }

    @ParameterizedTest(name = "{0} headers")
    @ValueSource(ints = {300, 2000})
    void hundredsOfHeadersAreAnsweredFast(int count) throws Exception {
        RawWebSocket.Handshake handshake = RawWebSocket.to(ws);
        for (int i = 0; i < count; i++) {
            handshake.extraHeader("X-Filler-" + i, "v");
        }
        String answer = answerWithin(handshake, FAST);
        observed(count + " extra headers", answer);
        assertThat(answer)
                .isEqualTo(
                        count == 300 ? on("HTTP 400", "HTTP 400", "HTTP 400") : on("HTTP 400", "HTTP 400", "HTTP 400"));
    }

    @Test
    void subprotocolOf16000SpacesIsAnsweredFast() throws Exception {
        String answer = answerWithin(RawWebSocket.to(ws).protocol("b" + " ".repeat(16_000) + "x"), FAST);
        observed("Sec-WebSocket-Protocol of 16 000 spaces", answer);
        assertThat(answer).isEqualTo(on("HTTP 400", "HTTP 400", "HTTP 101"));
    }

    @Test
    void extensionOfferNamedLikeAnObjectPropertyIsIgnored() throws Exception {
        String answer = answerWithin(
                RawWebSocket.to(ws)
                        .header("Sec-WebSocket-Extensions", "constructor, __proto__; a=\"" + "\\c".repeat(2000) + "\""),
                FAST);
        observed("Sec-WebSocket-Extensions: constructor, __proto__ and an escape run", answer);
        assertThat(answer).isEqualTo("HTTP 101");
    }

    @Test
    void twoHundredUnfinishedHandshakesCostNothingAndNormalWatchersAreServed() throws Exception {
        Bystander.Node before = Bystander.Node.read(alice, false);
        List<Socket> stalled = new ArrayList<>();
        try {
            for (int i = 0; i < 200; i++) {
                Socket socket = RawWebSocket.connect(ws);
                socket.getOutputStream().write("GET /jobpulse/ws HT".getBytes(StandardCharsets.US_ASCII));
                socket.getOutputStream().flush();
                stalled.add(socket);
            }
            long start = System.nanoTime();
            try (WsClient watcher = WsClient.connect(ws)) {
                watcher.send("{\"type\":\"ping\",\"id\":\"while-stalled\"}");
                assertThat(watcher.next().getString("id")).isEqualTo("while-stalled");
            }
            long servedMillis = Duration.ofNanos(System.nanoTime() - start).toMillis();
            Bystander.Node during = Bystander.Node.read(alice, false);
            assertThat(servedMillis)
                    .as("connect and ping while 200 handshakes stall (ms)")
                    .isLessThan(FAST.toMillis());
            assertThat(during.threads())
                    .as("threads with 200 stalled handshakes (before: " + before.threads() + ")")
                    .isLessThanOrEqualTo(before.threads() + Bystander.THREAD_SLACK);
            Duration patience = Duration.ofSeconds(25);
            int dropped = droppedWithin(stalled, patience);
            observed(
                    "200 handshakes stalled after half a request line",
                    "served a normal watcher in " + servedMillis + " ms; threads " + before.threads() + " -> "
                            + during.threads() + "; " + dropped + " of 200 dropped by the server within " + patience);
        } finally {
            for (Socket socket : stalled) {
                socket.close();
            }
        }
    }

    /** How many of the sockets the server closed within {@code patience} (reading each, in turn, until then). */
    private static int droppedWithin(List<Socket> sockets, Duration patience) throws IOException {
        long deadline = System.nanoTime() + patience.toNanos();
        boolean[] closed = new boolean[sockets.size()];
        int count = 0;
        while (count < sockets.size() && System.nanoTime() < deadline) {
            for (int i = 0; i < sockets.size(); i++) {
                if (!closed[i] && isClosed(sockets.get(i))) {
                    closed[i] = true;
                    count++;
                }
            }
        }
        return count;
    }

    private static boolean isClosed(Socket socket) throws IOException {
        socket.setSoTimeout(5);
        InputStream in = socket.getInputStream();
        try {
            byte[] buffer = new byte[4096];
            // an answer (such as a 408 or 400) followed by the end of the stream counts as closed too
            while (true) {
                if (in.read(buffer) < 0) {
                    return true;
                }
            }
        } catch (SocketTimeoutException stillOpen) {
            return false;
        } catch (SocketException reset) {
            return true;
        }
    }

    /** "HTTP status" of the handshake's answer, or "dropped" when the server closes instead; fails if slower. */
    private static String answerWithin(RawWebSocket.Handshake handshake, Duration limit) throws IOException {
        long start = System.nanoTime();
        String answer;
        try (RawWebSocket socket = handshake.open()) {
            answer = "HTTP " + socket.status();
        } catch (EOFException | SocketException e) {
            answer = "dropped";
        }
        assertThat(Duration.ofNanos(System.nanoTime() - start))
                .as("time to answer")
                .isLessThan(limit);
        return answer;
    }
}
