package io.jobpulse.rest;

import io.jobpulse.json.JsonMaps;
import io.jobpulse.json.Jsonp;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import jakarta.ws.rs.core.Response;
import java.time.Duration;

/** Builds problem+json responses. */
final class Problems {

    static final String MEDIA_TYPE = "application/problem+json";

    private Problems() {
    }

    static Response response(int status, String title, String detail, JsonObject extra) {
        return response(new ApiProblem(status, title, detail, extra));
    }

    static Response response(ApiProblem problem) {
        JsonObjectBuilder body = Jsonp.PROVIDER.createObjectBuilder()
                .add("type", problem.type())
                .add("title", problem.title())
                .add("status", problem.status())
                .add("detail", problem.getMessage());
        if (problem.extra() != null) {
            problem.extra().forEach(body::add);
        }
        Response.ResponseBuilder response = Response.status(problem.status(), problem.title()).type(MEDIA_TYPE)
                .entity(JsonMaps.write(body.build()));
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
