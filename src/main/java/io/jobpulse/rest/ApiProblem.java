package io.jobpulse.rest;

import jakarta.json.JsonObject;
import java.time.Duration;
import java.util.Optional;

/**
 * An error answer of the API (RFC 9457 problem details): status, type, title, detail, optional extra members and,
 * for 429, how long the client should wait ({@code Retry-After}).
 */
public class ApiProblem extends RuntimeException {

    /** The problem type of an answer that means no more than its status. */
    public static final String ABOUT_BLANK = "about:blank";

    private final int status;
    private final String type;
    private final String title;
    private final transient JsonObject extra;
    private final transient Optional<Duration> retryAfter;

    public ApiProblem(int status, String title, String detail) {
        this(status, title, detail, null);
    }

    public ApiProblem(int status, String title, String detail, JsonObject extra) {
        this(status, ABOUT_BLANK, title, detail, extra, Optional.empty());
    }

    public ApiProblem(int status, String type, String title, String detail, JsonObject extra,
                      Optional<Duration> retryAfter) {
        super(detail, null, false, false);
        this.status = status;
        this.type = type;
        this.title = title;
        this.extra = extra;
        this.retryAfter = retryAfter;
    }

    public int status() {
        return status;
    }

    public String type() {
        return type;
    }

    public String title() {
        return title;
    }

    public JsonObject extra() {
        return extra;
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
        return new ApiProblem(429, type, title, detail, null, Optional.of(retryAfter));
    }
}
