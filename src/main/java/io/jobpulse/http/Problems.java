package io.jobpulse.http;

import io.jobpulse.protocol.ProblemDetails;
import jakarta.ws.rs.core.Response;
import java.time.Duration;

/** Builds problem+json responses: the body {@link ProblemDetails} writes, and the headers some statuses need. */
public final class Problems {

    private Problems() {}

    static Response response(int status, String title, String detail) {
        return response(new ApiProblem(status, title, detail));
    }

    public static Response response(ApiProblem problem) {
        Response.ResponseBuilder response = Response.status(problem.status(), problem.title())
                .type(ProblemDetails.MEDIA_TYPE)
                .entity(problem.details().json());
        if (problem.status() == 401) {
            response.header("WWW-Authenticate", "Bearer realm=\"jobpulse\"");
        }
        problem.retryAfter().ifPresent(wait -> response.header("Retry-After", retryAfterSeconds(wait)));
        return response.build();
    }

    /** Whole seconds, rounded up and at least 1: {@code Retry-After: 0} would invite an immediate retry. */
    static long retryAfterSeconds(Duration wait) {
        long seconds = wait.toSeconds() + (wait.toNanosPart() > 0 ? 1 : 0);
        return Math.max(1, seconds);
    }
}
