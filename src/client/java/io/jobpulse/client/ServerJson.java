package io.jobpulse.client;

import jakarta.json.JsonNumber;
import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import java.net.URI;
import java.time.Instant;
import java.util.Locale;
import java.util.Optional;

/** Reads what the server sends (the job view, events, report answers) into the client's records. */
final class ServerJson {

    private ServerJson() {}

    static JobView view(JsonObject o) {
        return new JobView(
                o.getString("id"),
                o.getString("type"),
                string(o, "name"),
                JobState.valueOf(o.getString("state")),
                number(o, "seq"),
                progress(o.getJsonObject("progress")),
                object(o, "params").orElse(JsonValue.EMPTY_JSON_OBJECT),
                Instant.parse(o.getString("createdAt")),
                string(o, "startedAt").map(Instant::parse),
                string(o, "finishedAt").map(Instant::parse),
                object(o, "result"),
                object(o, "error").map(ServerJson::error),
                o.getBoolean("cancelRequested", false),
                string(o, "node"),
                o.getBoolean("external", false),
                string(o, "owner"),
                string(o, "watchToken"),
                string(o, "reportToken"),
                object(o, "links").map(ServerJson::links));
    }

    /** A WebSocket {@code event} message. */
    static JobEvent event(JsonObject o) {
        return new JobEvent(
                o.getString("job"),
                number(o, "seq"),
                JobEvent.Kind.valueOf(o.getString("kind").toUpperCase(Locale.ROOT)),
                JobState.valueOf(o.getString("state")),
                progress(o.getJsonObject("progress")),
                Instant.parse(o.getString("at")),
                object(o, "result"),
                object(o, "error").map(ServerJson::error),
                object(o, "skipped").map(s -> new JobEvent.SkippedRange(number(s, "from"), number(s, "to"))));
    }

    /** The terminal event a snapshot of an ended job stands for: an ended job's latest event is its terminal one. */
    static JobEvent terminalEventOf(JobView ended) {
        return new JobEvent(
                ended.id(),
                ended.seq(),
                JobEvent.Kind.STATE,
                ended.state(),
                ended.progress(),
                ended.finishedAt().orElse(ended.createdAt()),
                ended.result(),
                ended.error(),
                Optional.empty());
    }

    static ExternalJob.Answer answer(JsonObject o) {
        return new ExternalJob.Answer(
                o.getString("job"), JobState.valueOf(o.getString("state")), number(o, "seq"), o.getBoolean("cancel"));
    }

    private static Progress progress(JsonObject p) {
        return new Progress(number(p, "done"), number(p, "total"), p.getString("message", ""));
    }

    private static JobError error(JsonObject e) {
        return new JobError(e.getString("kind"), e.getString("message", ""));
    }

    private static JobLinks links(JsonObject l) {
        return new JobLinks(
                URI.create(l.getString("self")),
                URI.create(l.getString("events")),
                URI.create(l.getString("cancel")),
                URI.create(l.getString("watch")),
                string(l, "report").map(URI::create));
    }

    static long number(JsonObject o, String key) {
        return ((JsonNumber) o.get(key)).longValueExact();
    }

    static Optional<String> string(JsonObject o, String key) {
        return o.get(key) instanceof JsonString s ? Optional.of(s.getString()) : Optional.empty();
    }

    static Optional<JsonObject> object(JsonObject o, String key) {
        return o.get(key) instanceof JsonObject value ? Optional.of(value) : Optional.empty();
    }
}
