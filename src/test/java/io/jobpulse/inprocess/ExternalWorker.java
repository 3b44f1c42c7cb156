package io.jobpulse.inprocess;

import jakarta.json.JsonObject;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

/**
 * The worker of one external job, as any HTTP client is: it posts reports to the job's {@code links.report} with
 * {@code Authorization: Bearer <reportToken>}, both as the submission answered them.
 */
public final class ExternalWorker {

    private final Rest rest;
    private final URI reports;
    private final String token;

    public ExternalWorker(Rest rest, JsonObject submitted) {
        this.rest = rest;
        this.reports = URI.create(submitted.getJsonObject("links").getString("report"));
        this.token = submitted.getString("reportToken");
    }

    /** Posts {@code body} with the job's report token. */
    public HttpResponse<String> report(String body) throws Exception {
        return reportWith("Bearer " + token, body);
    }

    /** Posts {@code body} with this {@code Authorization} header (none when null). */
    public HttpResponse<String> reportWith(String authorization, String body) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(reports)
                .timeout(Rest.TIMEOUT)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body));
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        return rest.http().send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** The answer of a report that must be accepted (200), as JSON. */
    public JsonObject accepted(String body) throws Exception {
        HttpResponse<String> response = report(body);
        if (response.statusCode() != 200) {
            throw new AssertionError("report " + body + " answered " + response.statusCode() + ": " + response.body());
        }
        return JsonText.parse(response.body());
    }

    public String token() {
        return token;
    }

    public URI reports() {
        return reports;
    }
}
