package io.jobpulse.inprocess;

import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingDeque;
import java.util.concurrent.TimeUnit;

/**
 * A real WebSocket client (the JDK's) that queues every text frame it receives and remembers the close code. It
 * answers pings as every client does, but only while it reads: {@link #stopReading()} makes it a client that stopped
 * reading (no frames taken, no pings answered) until {@link #resumeReading()}.
 */
public final class WsClient implements AutoCloseable {

    public static final Duration WAIT = Duration.ofSeconds(10);

    private final LinkedBlockingDeque<String> frames = new LinkedBlockingDeque<>();
    private final CompletableFuture<Integer> closeCode = new CompletableFuture<>();
    private final WebSocket socket;
    private volatile boolean reading = true;
    private final StringBuilder partial = new StringBuilder();

    private WsClient(URI uri, String... subprotocols) throws Exception {
        // the header JobPulse's HandshakeFilter sets in a container (it does not run in process): the peer's address
        WebSocket.Builder builder = HttpClient.newHttpClient()
                .newWebSocketBuilder()
                .connectTimeout(WAIT)
                .header("X-JobPulse-Remote-Address", "127.0.0.1");
        if (subprotocols.length > 0) {
            builder.subprotocols(subprotocols[0], java.util.Arrays.copyOfRange(subprotocols, 1, subprotocols.length));
        }
        socket = builder.buildAsync(uri, new Listener()).get(WAIT.toSeconds(), TimeUnit.SECONDS);
    }

    /** A version 1 client. */
    public static WsClient v1(InProcessServer server) throws Exception {
        return new WsClient(server.webSocket(), "jobpulse.v1");
    }

    /** A client asking for version 2, then 1, as browsers do. */
    public static WsClient v2(InProcessServer server) throws Exception {
        return new WsClient(server.webSocket(), "jobpulse.v2", "jobpulse.v1");
    }

    public static WsClient connect(InProcessServer server, String... subprotocols) throws Exception {
        return new WsClient(server.webSocket(), subprotocols);
    }

    public String subprotocol() {
        return socket.getSubprotocol();
    }

    public void send(String text) throws Exception {
        socket.sendText(text, true).get(WAIT.toSeconds(), TimeUnit.SECONDS);
    }

    public void sendBinary(byte[] bytes) throws Exception {
        socket.sendBinary(ByteBuffer.wrap(bytes), true).get(WAIT.toSeconds(), TimeUnit.SECONDS);
    }

    public void subscribe(JsonObject job) throws Exception {
        send("{\"type\":\"subscribe\",\"job\":\"" + job.getString("id") + "\",\"token\":\""
                + job.getString("watchToken") + "\"}");
    }

    public void subscribe(JsonObject job, long since) throws Exception {
        send("{\"type\":\"subscribe\",\"job\":\"" + job.getString("id") + "\",\"token\":\""
                + job.getString("watchToken") + "\",\"since\":" + since + "}");
    }

    /** The next text frame, as it came; fails the test if none arrives in time. */
    public String nextFrame() throws InterruptedException {
        String text = frames.poll(WAIT.toMillis(), TimeUnit.MILLISECONDS);
        if (text == null) {
            throw new AssertionError(
                    "no frame within " + WAIT + (closeCode.isDone() ? "; closed " + closeCode.join() : ""));
        }
        return text;
    }

    /** The next frame as JSON. */
    public JsonObject next() throws InterruptedException {
        return JsonText.parse(nextFrame());
    }

    /** The next frame if one arrives within {@code wait}, else null. */
    public String pollFrame(Duration wait) throws InterruptedException {
        return frames.poll(wait.toMillis(), TimeUnit.MILLISECONDS);
    }

    /**
     * Messages, with {@code batch} frames opened in array order, until (and including) the event with {@code state}
     * {@code terminal} of {@code job}.
     */
    public List<JsonObject> messagesUntil(String job, String terminal) throws InterruptedException {
        List<JsonObject> seen = new ArrayList<>();
        while (true) {
            for (JsonObject m : unbatch(next())) {
                seen.add(m);
                if ("event".equals(m.getString("type"))
                        && job.equals(m.getString("job"))
                        && terminal.equals(m.getString("state"))) {
                    return seen;
                }
            }
        }
    }

    public static List<JsonObject> unbatch(JsonObject frame) {
        if (!"batch".equals(frame.getString("type"))) {
            return List.of(frame);
        }
        return frame.getJsonArray("messages").stream()
                .map(JsonValue::asJsonObject)
                .toList();
    }

    /** The close code the server sent; fails the test if the connection is not closed in time. */
    public int awaitClose() throws Exception {
        return closeCode.get(WAIT.toSeconds(), TimeUnit.SECONDS);
    }

    public boolean isClosed() {
        return closeCode.isDone();
    }

    /** Takes no more frames (and so answers no pings) until {@link #resumeReading()}. */
    public void stopReading() {
        reading = false;
    }

    public void resumeReading() {
        reading = true;
        socket.request(1);
    }

    @Override
    public void close() {
        if (!socket.isOutputClosed()) {
            socket.sendClose(WebSocket.NORMAL_CLOSURE, "")
                    .orTimeout(WAIT.toSeconds(), TimeUnit.SECONDS)
                    .exceptionally(e -> null);
        }
        socket.abort();
    }

    private final class Listener implements WebSocket.Listener {
        @Override
        public void onOpen(WebSocket webSocket) {
            webSocket.request(1);
        }

        @Override
        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            partial.append(data);
            if (last) {
                frames.add(partial.toString());
                partial.setLength(0);
            }
            more(webSocket);
            return null;
        }

        @Override
        public CompletionStage<?> onPing(WebSocket webSocket, ByteBuffer message) {
            more(webSocket);
            return null;
        }

        @Override
        public CompletionStage<?> onPong(WebSocket webSocket, ByteBuffer message) {
            more(webSocket);
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
            closeCode.complete(statusCode);
            return null;
        }

        @Override
        public void onError(WebSocket webSocket, Throwable error) {
            closeCode.completeExceptionally(error);
        }

        private void more(WebSocket webSocket) {
            if (reading) {
                webSocket.request(1);
            }
        }
    }
}
