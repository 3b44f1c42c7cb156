package io.jobpulse.http;

import io.jobpulse.protocol.ProblemDetails;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import java.time.Duration;
import java.util.Optional;

/**
 * An error answer of the API (RFC 9457 problem details): status, type, title, detail, optional extra members and,
 * for 429, how long the client should wait ({@code Retry-After}). Thrown by the REST API and the fallback transports
 * alike; {@link ApiProblemMapper} answers it.
 */
public class ApiProblem extends RuntimeException {

    /** The problem type of an answer that means no more than its status. */
    public static final String ABOUT_BLANK = ProblemDetails.ABOUT_BLANK;

    private final transient ProblemDetails details;
    private final transient Optional<Duration> retryAfter;

    public ApiProblem(int status, String title, String detail) {
        this(status, title, detail, JsonValue.EMPTY_JSON_OBJECT);
    }

    public ApiProblem(int status, String title, String detail, JsonObject extra) {
        this(status, ABOUT_BLANK, title, detail, extra, Optional.empty());
    }

    public ApiProblem(
            int status, String type, String title, String detail, JsonObject extra, Optional<Duration> retryAfter) {
        super(detail, null, false, false);
        this.details = new ProblemDetails(type, title, status, detail, extra);
        this.retryAfter = retryAfter;
    }

    /** The body of the answer. */
    public ProblemDetails details() {
        return details;
    }

    public int status() {
        return details.status();
    }

    public String type() {
        return details.type();
    }

    public String title() {
        return details.title();
    }

    /** The members after {@code detail}; empty when there are none. */
    public JsonObject extra() {
        return details.extra();
    }

    public Optional<Duration> retryAfter() {
        return retryAfter;
    }

    public static ApiProblem badRequest(String detail) {
        return new ApiProblem(400, "Bad Request", detail);
    }

    public static ApiProblem notFound() {
        return new ApiProblem(404, "Not Found", "No such job.");
    }

    public static ApiProblem unprocessable(String detail) {
        return new ApiProblem(422, "Unprocessable Content", detail);
    }

    /** 429 with a problem type of its own, so a client can tell which limit it met. */
    public static ApiProblem tooManyRequests(String type, String title, String detail, Duration retryAfter) {
        return new ApiProblem(429, type, title, detail, JsonValue.EMPTY_JSON_OBJECT, Optional.of(retryAfter));
    }
}
