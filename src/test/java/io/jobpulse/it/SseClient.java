package io.jobpulse.it;

import jakarta.json.JsonObject;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingDeque;
import java.util.concurrent.TimeUnit;

/** Reads a Server-Sent Events stream on its own thread, queueing each message (its id and its JSON data). */
final class SseClient implements AutoCloseable {

    record Message(String id, JsonObject data) {}

    private final LinkedBlockingDeque<Message> received = new LinkedBlockingDeque<>();
    private final CountDownLatch ended = new CountDownLatch(1);
    private final HttpResponse<InputStream> response;
    private final Thread reader;

    private SseClient(HttpResponse<InputStream> response) {
        this.response = response;
        this.reader = new Thread(this::read, "sse-reader");
        reader.setDaemon(true);
        reader.start();
    }

    static SseClient open(URI uri, String lastEventId) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri).header("Accept", "text/event-stream");
        if (lastEventId != null) {
            request.header("Last-Event-ID", lastEventId);
        }
        HttpResponse<InputStream> response = HttpClient.newHttpClient()
                .sendAsync(request.build(), HttpResponse.BodyHandlers.ofInputStream())
                .get(WsClient.WAIT.toSeconds(), TimeUnit.SECONDS);
        return new SseClient(response);
    }

    int status() {
        return response.statusCode();
    }

    String contentType() {
        return response.headers().firstValue("Content-Type").orElse("");
    }

    Message next() throws InterruptedException {
        Message message = received.poll(WsClient.WAIT.toMillis(), TimeUnit.MILLISECONDS);
        if (message == null) {
            throw new AssertionError("no SSE message within " + WsClient.WAIT);
        }
        return message;
    }

    /** Every message until the server ends the stream; fails if it does not end in time. */
    List<Message> untilEnd() throws InterruptedException {
        if (!ended.await(WsClient.WAIT.toMillis(), TimeUnit.MILLISECONDS)) {
            throw new AssertionError("the SSE stream did not end within " + WsClient.WAIT);
        }
        List<Message> rest = new ArrayList<>();
        received.drainTo(rest);
        return rest;
    }

    boolean endsWithin(Duration wait) throws InterruptedException {
        return ended.await(wait.toMillis(), TimeUnit.MILLISECONDS);
    }

    @Override
    public void close() throws IOException {
        response.body().close();
    }

    private void read() {
        try (BufferedReader lines =
                new BufferedReader(new InputStreamReader(response.body(), StandardCharsets.UTF_8))) {
            String id = null;
            StringBuilder data = new StringBuilder();
            String line;
            while ((line = lines.readLine()) != null) {
                if (line.isEmpty()) {
                    if (data.length() > 0) {
                        received.add(new Message(id, Json.parse(data.toString())));
                    }
                    id = null;
                    data.setLength(0);
                } else if (line.startsWith("id:")) {
                    id = line.substring(3).trim();
                } else if (line.startsWith("data:")) {
                    data.append(line.substring(5).trim());
                }
            }
        } catch (IOException e) {
            if (ended.getCount() > 0
                    && !(e.getMessage() != null && e.getMessage().contains("closed"))) {
                throw new UncheckedIOException(e);
            }
        } finally {
            ended.countDown();
        }
    }
}
