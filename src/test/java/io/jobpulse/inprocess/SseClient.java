package io.jobpulse.inprocess;

import jakarta.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.LinkedBlockingDeque;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/** A Server-Sent Events client over the JDK's HTTP client: queues each SSE message, and the end of the stream. */
public final class SseClient implements AutoCloseable {

    public static final Duration WAIT = Duration.ofSeconds(10);

    /** One SSE message: its {@code id} (or null) and its {@code data} as JSON. */
    public record Message(String id, JsonObject data) {}

    private static final Message END = new Message(null, null);

    private final LinkedBlockingDeque<Message> messages = new LinkedBlockingDeque<>();
    private final HttpResponse<Stream<String>> response;
    private final Thread reader;

    private SseClient(URI uri, String lastEventId) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri)
                .header("Accept", "text/event-stream")
                .GET();
        if (lastEventId != null) {
            request.header("Last-Event-ID", lastEventId);
        }
        response = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(WAIT)
                .build()
                .sendAsync(request.build(), HttpResponse.BodyHandlers.ofLines())
                .get(WAIT.toSeconds(), TimeUnit.SECONDS);
        reader = new Thread(this::read, "sse-client");
        reader.setDaemon(true);
        reader.start();
    }

    public static SseClient open(URI uri, String lastEventId) throws Exception {
        return new SseClient(uri, lastEventId);
    }

    public int status() {
        return response.statusCode();
    }

    public Optional<String> contentType() {
        return response.headers().firstValue("Content-Type");
    }

    private void read() {
        String id = null;
        StringBuilder data = new StringBuilder();
        try (Stream<String> lines = response.body()) {
            for (String line : (Iterable<String>) lines::iterator) {
                if (line.isEmpty()) {
                    if (data.length() > 0) {
                        messages.add(new Message(id, JsonText.parse(data.toString())));
                    }
                    id = null;
                    data.setLength(0);
                } else if (line.startsWith("id:")) {
                    id = line.substring(3).trim();
                } else if (line.startsWith("data:")) {
                    data.append(line.substring(5).trim());
                }
            }
        } catch (RuntimeException closed) {
            // the test closed the stream
        } finally {
            messages.add(END);
        }
    }

    /** The next message; fails the test if none arrives in time or the stream ended. */
    public Message next() throws InterruptedException {
        Message m = messages.poll(WAIT.toMillis(), TimeUnit.MILLISECONDS);
        if (m == null || m == END) {
            throw new AssertionError(m == null ? "no SSE message within " + WAIT : "the stream ended");
        }
        return m;
    }

    /** Every message until the server ends the stream; fails the test if it does not end in time. */
    public List<Message> untilEnd() throws InterruptedException {
        List<Message> all = new ArrayList<>();
        while (true) {
            Message m = messages.poll(WAIT.toMillis(), TimeUnit.MILLISECONDS);
            if (m == null) {
                throw new AssertionError("the stream did not end within " + WAIT + "; so far " + all);
            }
            if (m == END) {
                return all;
            }
            all.add(m);
        }
    }

    @Override
    public void close() {
        reader.interrupt();
        response.body().close();
    }
}
