package io.jobpulse.it;

import jakarta.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingDeque;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** A JDK WebSocket client that queues every text message it receives and remembers the close code. */
final class WsClient implements AutoCloseable {

    static final Duration WAIT = Duration.ofSeconds(20);

    private final LinkedBlockingDeque<String> received = new LinkedBlockingDeque<>();
    private final CompletableFuture<Integer> closeCode = new CompletableFuture<>();
    private final WebSocket socket;

    private WsClient(URI uri, String origin) throws Exception {
        WebSocket.Builder builder = HttpClient.newHttpClient()
                .newWebSocketBuilder()
                .connectTimeout(WAIT)
                .subprotocols("jobpulse.v1");
        if (origin != null) {
            builder.header("Origin", origin);
        }
        socket = builder.buildAsync(uri, new Listener()).get(WAIT.toSeconds(), TimeUnit.SECONDS);
    }

    static WsClient connect(URI uri) throws Exception {
        return new WsClient(uri, null);
    }

    static WsClient connect(URI uri, String origin) throws Exception {
        return new WsClient(uri, origin);
    }

    String subprotocol() {
        return socket.getSubprotocol();
    }

    void send(String text) throws Exception {
        socket.sendText(text, true).get(WAIT.toSeconds(), TimeUnit.SECONDS);
    }

    void sendBinary(byte[] bytes) throws Exception {
        socket.sendBinary(ByteBuffer.wrap(bytes), true).get(WAIT.toSeconds(), TimeUnit.SECONDS);
    }

    void subscribe(String job, String token) throws Exception {
        send("{\"type\":\"subscribe\",\"job\":\"" + job + "\",\"token\":\"" + token + "\"}");
    }

    void subscribe(String job, String token, long since) throws Exception {
        send("{\"type\":\"subscribe\",\"job\":\"" + job + "\",\"token\":\"" + token + "\",\"since\":" + since + "}");
    }

    /** The next message, failing the test if none arrives in time. */
    JsonObject next() throws InterruptedException {
        String text = received.poll(WAIT.toMillis(), TimeUnit.MILLISECONDS);
        if (text == null) {
            throw new AssertionError("no message within " + WAIT);
        }
        return Json.parse(text);
    }

    /** The next message if one arrives within {@code wait}, else null. */
    JsonObject poll(Duration wait) throws InterruptedException {
        String text = received.poll(wait.toMillis(), TimeUnit.MILLISECONDS);
        return text == null ? null : Json.parse(text);
    }

    /** Messages until (and including) the terminal event of {@code job}; other jobs' messages are kept in order too. */
    List<JsonObject> untilTerminal(String job) throws InterruptedException {
        List<JsonObject> messages = new ArrayList<>();
        while (true) {
            JsonObject message = next();
            messages.add(message);
            if (isTerminalEventOf(message, job) || isTerminalSnapshotOf(message, job)) {
                return messages;
            }
        }
    }

    static boolean isTerminalEventOf(JsonObject message, String job) {
        return "event".equals(message.getString("type"))
                && job.equals(message.getString("job"))
                && List.of("SUCCEEDED", "FAILED", "CANCELLED").contains(message.getString("state"));
    }

    private static boolean isTerminalSnapshotOf(JsonObject message, String job) {
        return "snapshot".equals(message.getString("type"))
                && job.equals(message.getJsonObject("job").getString("id"))
                && List.of("SUCCEEDED", "FAILED", "CANCELLED")
                        .contains(message.getJsonObject("job").getString("state"));
    }

    /** The close code the server sent, failing the test if the connection is not closed in time. */
    int awaitClose() throws InterruptedException, ExecutionException {
        try {
            return closeCode.get(WAIT.toSeconds(), TimeUnit.SECONDS);
        } catch (TimeoutException e) {
            throw new AssertionError("connection not closed within " + WAIT);
        }
    }

    boolean isOpen() {
        return !socket.isInputClosed();
    }

    @Override
    public void close() {
        if (!socket.isOutputClosed()) {
            socket.sendClose(WebSocket.NORMAL_CLOSURE, "bye");
        }
        socket.abort();
    }

    private final class Listener implements WebSocket.Listener {
        private final StringBuilder partial = new StringBuilder();

        @Override
        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            partial.append(data);
            if (last) {
                received.add(partial.toString());
                partial.setLength(0);
            }
            webSocket.request(1);
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
    }
}
