package io.jobpulse.inprocess;

import jakarta.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** Plain HTTP to the in-process server's REST API, as client {@code dev} (dev mode). */
public final class Rest {

    public static final Duration TIMEOUT = Duration.ofSeconds(20);

    private final InProcessServer server;
    private final HttpClient http = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(TIMEOUT)
            .build();

    Rest(InProcessServer server) {
        this.server = server;
    }

    /** Submits a job; its view (with {@code id} and {@code watchToken}). */
    public JsonObject submit(String body) throws Exception {
        HttpResponse<String> response = http.send(
                HttpRequest.newBuilder(server.api("jobs"))
                        .timeout(TIMEOUT)
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(body))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 202) {
            throw new AssertionError("submit answered " + response.statusCode() + ": " + response.body());
        }
        return JsonText.parse(response.body());
    }

    /** A {@code steps} job of {@code count} steps, {@code intervalMs} apart. */
    public JsonObject steps(int count, int intervalMs) throws Exception {
        return submit("{\"type\":\"steps\",\"params\":{\"count\":" + count + ",\"intervalMs\":" + intervalMs + "}}");
    }

    public JsonObject job(String id) throws Exception {
        HttpResponse<String> response = get("jobs/" + id);
        if (response.statusCode() != 200) {
            throw new AssertionError("GET jobs/" + id + " answered " + response.statusCode() + ": " + response.body());
        }
        return JsonText.parse(response.body());
    }

    /** Waits until the job is in a terminal state; its view then. */
    public JsonObject awaitEnd(String id) throws Exception {
        return Await.until(
                () -> job(id), j -> j.getString("state").matches("SUCCEEDED|FAILED|CANCELLED"), "job " + id + " ends");
    }

    public HttpResponse<String> get(String pathAndQuery) throws Exception {
        return get(server.api(pathAndQuery));
    }

    public HttpResponse<String> get(URI uri) throws Exception {
        return http.send(
                HttpRequest.newBuilder(uri).timeout(TIMEOUT).GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    public HttpClient http() {
        return http;
    }
}
