package io.jobpulse.client;

import jakarta.json.JsonException;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;

/** One JSON request and its answer: the JDK's HttpClient, each request with a timeout, refusals as problems. */
final class Http {

    private final HttpClient client;
    private final Duration timeout;

    Http(HttpClient client, Duration timeout) {
        this.client = client;
        this.timeout = timeout;
    }

    HttpClient client() {
        return client;
    }

    /** A request to {@code uri} with this {@code Authorization} (none when absent) and this JSON body (GET if none). */
    HttpResponse<String> send(URI uri, Optional<String> bearer, Optional<JsonObject> body, String... headers) {
        HttpRequest.Builder request =
                HttpRequest.newBuilder(uri).timeout(timeout).header("Accept", "application/json");
        bearer.ifPresent(token -> request.header("Authorization", "Bearer " + token));
        if (headers.length > 0) {
            request.headers(headers);
        }
        if (body.isPresent()) {
            request.header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(body.get().toString(), StandardCharsets.UTF_8));
        } else {
            request.GET();
        }
        return send(request.build());
    }

    /** A POST without a body. */
    HttpResponse<String> postEmpty(URI uri, Optional<String> bearer) {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri)
                .timeout(timeout)
                .header("Accept", "application/json")
                .POST(HttpRequest.BodyPublishers.noBody());
        bearer.ifPresent(token -> request.header("Authorization", "Bearer " + token));
        return send(request.build());
    }

    private HttpResponse<String> send(HttpRequest request) {
        try {
            return client.send(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new JobPulseException("No answer", request.method() + " " + request.uri() + " failed: " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new JobPulseException("Interrupted", request.method() + " " + request.uri() + " was interrupted", e);
        }
    }

    /** The body of an answer with status {@code expected}, as JSON; a {@link JobPulseException} for any other. */
    static JsonObject expect(HttpResponse<String> response, int expected) {
        if (response.statusCode() != expected) {
            throw refusal(response);
        }
        try {
            return JsonValues.parse(response.body());
        } catch (JsonException | IllegalStateException e) {
            throw new JobPulseException(
                    response.statusCode(),
                    JobPulseException.ABOUT_BLANK,
                    "Unreadable Answer",
                    "the answer of " + response.uri() + " is no JSON object",
                    JsonValue.EMPTY_JSON_OBJECT,
                    Optional.empty(),
                    e);
        }
    }

    /** The refusal an answer stands for: its problem JSON, or what the body says when it has none (a proxy's page). */
    static JobPulseException refusal(HttpResponse<String> response) {
        return new JobPulseException(response.statusCode(), problem(response), retryAfter(response));
    }

    static JsonObject problem(HttpResponse<String> response) {
        try {
            return JsonValues.parse(response.body());
        } catch (JsonException | IllegalStateException e) {
            String body = response.body() == null ? "" : response.body().strip();
            return JsonValues.PROVIDER
                    .createObjectBuilder()
                    .add("title", "HTTP " + response.statusCode())
                    .add("detail", body.length() > 200 ? body.substring(0, 200) + "..." : body)
                    .build();
        }
    }

    static Optional<Duration> retryAfter(HttpResponse<String> response) {
        return response.headers().firstValue("Retry-After").flatMap(value -> {
            try {
                return Optional.of(Duration.ofSeconds(Long.parseLong(value.trim())));
            } catch (NumberFormatException e) {
                return Optional.empty(); // an HTTP date: JobPulse sends seconds; a proxy's date is not worth parsing
            }
        });
    }
}
