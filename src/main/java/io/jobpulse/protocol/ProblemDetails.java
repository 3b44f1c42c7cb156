package io.jobpulse.protocol;

import io.jobpulse.json.JsonMaps;
import io.jobpulse.json.Jsonp;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import jakarta.json.JsonValue;
import java.util.Objects;

/**
 * An HTTP error body (RFC 9457 problem details, {@code application/problem+json}):
 * {@code {"type":T,"title":..,"status":N,"detail":..}} followed by the {@code extra} members. The one writer of
 * problem+json, for the REST API and the WebSocket handshake alike.
 */
public record ProblemDetails(String type, String title, int status, String detail, JsonObject extra) {

    public static final String MEDIA_TYPE = "application/problem+json";
    /** The problem type of an answer that means no more than its status. */
    public static final String ABOUT_BLANK = "about:blank";

    public ProblemDetails {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(title, "title");
        Objects.requireNonNull(detail, "detail");
        Objects.requireNonNull(extra, "extra");
    }

    /** A problem of type {@value #ABOUT_BLANK} with no extra members. */
    public static ProblemDetails of(int status, String title, String detail) {
        return new ProblemDetails(ABOUT_BLANK, title, status, detail, JsonValue.EMPTY_JSON_OBJECT);
    }

    public String json() {
        JsonObjectBuilder body = Jsonp.PROVIDER
                .createObjectBuilder()
                .add("type", type)
                .add("title", title)
                .add("status", status)
                .add("detail", detail);
        extra.forEach(body::add);
        return JsonMaps.write(body.build());
    }
}
