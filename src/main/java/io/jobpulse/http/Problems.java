package io.jobpulse.http;

import io.jobpulse.protocol.ProblemDetails;
import io.jobpulse.store.StoreUnavailableException;
import jakarta.json.JsonValue;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.ws.rs.core.Response;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;
import java.util.UUID;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Builds problem+json responses: the body {@link ProblemDetails} writes, and the headers some statuses need; as a
 * JAX-RS {@link Response} or straight onto a servlet's response, with the same status, headers and body.
 */
public final class Problems {

    static final int RETRY_AFTER_SECONDS_WHEN_STORE_DOWN = 5;
    private static final Logger LOG = Logger.getLogger(Problems.class.getName());

    private Problems() {}

    static Response response(int status, String title, String detail) {
        return response(new ApiProblem(status, title, detail));
    }

    public static Response response(ApiProblem problem) {
        Response.ResponseBuilder response = Response.status(problem.status(), problem.title())
                .type(ProblemDetails.MEDIA_TYPE)
                .entity(problem.details().json());
        authenticateHeader(problem).ifPresent(value -> response.header("WWW-Authenticate", value));
        problem.retryAfter().ifPresent(wait -> response.header("Retry-After", retryAfterSeconds(wait)));
        return response.build();
    }

    /** The same answer as {@link #response(ApiProblem)}, written by a servlet or filter that serves an API path itself. */
    public static void write(ApiProblem problem, HttpServletResponse response) throws IOException {
        byte[] body = problem.details().json().getBytes(StandardCharsets.UTF_8);
        response.setStatus(problem.status());
        authenticateHeader(problem).ifPresent(value -> response.setHeader("WWW-Authenticate", value));
        problem.retryAfter()
                .ifPresent(wait -> response.setHeader("Retry-After", Long.toString(retryAfterSeconds(wait))));
        response.setContentType(ProblemDetails.MEDIA_TYPE);
        response.setContentLength(body.length);
        response.getOutputStream().write(body);
    }

    /** The database cannot be reached: logged, and answered 503 with {@code Retry-After}, a passing condition. */
    public static ApiProblem storeUnavailable(StoreUnavailableException failure) {
        LOG.log(Level.WARNING, failure, () -> "The JobPulse database cannot be reached; answering 503");
        return new ApiProblem(
                503,
                ApiProblem.ABOUT_BLANK,
                "Service Unavailable",
                "The job store cannot be reached just now; retry in a few seconds.",
                JsonValue.EMPTY_JSON_OBJECT,
                Optional.of(Duration.ofSeconds(RETRY_AFTER_SECONDS_WHEN_STORE_DOWN)));
    }

    /** Anything unexpected: logged with an incident id, answered 500 without internals. */
    public static ApiProblem unexpected(Throwable failure) {
        String incident = UUID.randomUUID().toString();
        LOG.log(Level.WARNING, failure, () -> "Unexpected error in the JobPulse API, incident " + incident);
        return new ApiProblem(
                500,
                "Internal Server Error",
                "Something went wrong on the server; incident " + incident + " has been logged.");
    }

    private static Optional<String> authenticateHeader(ApiProblem problem) {
        return problem.status() == 401 ? Optional.of("Bearer realm=\"jobpulse\"") : Optional.empty();
    }

    /** Whole seconds, rounded up and at least 1: {@code Retry-After: 0} would invite an immediate retry. */
    static long retryAfterSeconds(Duration wait) {
        long seconds = wait.toSeconds() + (wait.toNanosPart() > 0 ? 1 : 0);
        return Math.max(1, seconds);
    }
}
