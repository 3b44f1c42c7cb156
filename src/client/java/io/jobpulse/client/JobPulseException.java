package io.jobpulse.client;

import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import java.time.Duration;
import java.util.Optional;

/**
 * A request the server refused, or one that got no answer. A refusal carries the HTTP status and the problem JSON's
 * {@code type}, {@code title} and {@code detail} (docs/api.md, "Errors"; {@link #problem()} has every member, such as
 * {@code violations} or {@code lastId}) and the {@code Retry-After} of a 429. With no answer (the server could not be
 * reached, the request timed out, the thread was interrupted: then its interrupt flag is set again) the status is 0
 * and the cause says why. A watch that ends without its terminal event fails with one too.
 */
public class JobPulseException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /** The {@code type} of a problem with none of its own. */
    public static final String ABOUT_BLANK = "about:blank";

    private final int status;
    private final String type;
    private final String title;
    private final String detail;
    private final transient JsonObject problem;
    private final transient Optional<Duration> retryAfter;

    JobPulseException(int status, JsonObject problem, Optional<Duration> retryAfter) {
        this(
                status,
                problem.getString("type", ABOUT_BLANK),
                problem.getString("title", "HTTP " + status),
                problem.getString("detail", ""),
                problem,
                retryAfter,
                null);
    }

    JobPulseException(String title, String detail, Throwable cause) {
        this(0, ABOUT_BLANK, title, detail, JsonValue.EMPTY_JSON_OBJECT, Optional.empty(), cause);
    }

    JobPulseException(
            int status,
            String type,
            String title,
            String detail,
            JsonObject problem,
            Optional<Duration> retryAfter,
            Throwable cause) {
        super(text(status, type, title, detail), cause);
        this.status = status;
        this.type = type;
        this.title = title;
        this.detail = detail;
        this.problem = problem;
        this.retryAfter = retryAfter;
    }

    private static String text(int status, String type, String title, String detail) {
        String where = status == 0 ? title : status + " " + title;
        String kind = ABOUT_BLANK.equals(type) ? "" : " (" + type + ")";
        return where + kind + (detail.isEmpty() ? "" : ": " + detail);
    }

    /** The HTTP status of the refusal; 0 when there was no answer. */
    public int status() {
        return status;
    }

    /** The problem's {@code type}: {@code about:blank}, or one of JobPulse's {@code urn:jobpulse:problem:*}. */
    public String type() {
        return type;
    }

    public String title() {
        return title;
    }

    public String detail() {
        return detail;
    }

    /** The whole problem JSON (empty when there was no answer). */
    public JsonObject problem() {
        return problem;
    }

    /** The {@code Retry-After} of the answer, if it had one (429s). */
    public Optional<Duration> retryAfter() {
        return retryAfter;
    }
}
