package io.jobpulse.client;

import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * A job to submit: its type, parameters, an optional name and an optional {@code Idempotency-Key} (the same key with
 * the same submission answers the job the first one created, so a submission may be retried safely).
 */
public record Submission(String type, JsonObject params, Optional<String> name, Optional<String> idempotencyKey) {

    public Submission {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(params, "params");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(idempotencyKey, "idempotencyKey");
    }

    /** A job of {@code type} with no parameters (the type's defaults). */
    public static Submission of(String type) {
        return new Submission(type, JsonValue.EMPTY_JSON_OBJECT, Optional.empty(), Optional.empty());
    }

    /**
     * A job of {@code type} with these parameters: strings, numbers, booleans, nulls, maps, lists and JSON-P values.
     */
    public static Submission of(String type, Map<String, ?> params) {
        return of(type).withParams(params);
    }

    public Submission withParams(Map<String, ?> parameters) {
        return withParams(JsonValues.object(parameters));
    }

    public Submission withParams(JsonObject parameters) {
        return new Submission(type, parameters, name, idempotencyKey);
    }

    public Submission withName(String jobName) {
        return new Submission(type, params, Optional.of(jobName), idempotencyKey);
    }

    public Submission withIdempotencyKey(String key) {
        return new Submission(type, params, name, Optional.of(key));
    }

    JsonObject toJson() {
        var body = JsonValues.PROVIDER.createObjectBuilder().add("type", type).add("params", params);
        name.ifPresent(n -> body.add("name", n));
        return body.build();
    }
}
