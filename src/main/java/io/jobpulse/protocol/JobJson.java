package io.jobpulse.protocol;

import io.jobpulse.job.Job;
import io.jobpulse.job.JobError;
import io.jobpulse.job.JobEvent;
import io.jobpulse.job.JobId;
import io.jobpulse.job.Progress;
import io.jobpulse.json.JsonMaps;
import io.jobpulse.json.Jsonp;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import jakarta.json.JsonValue;
import jakarta.json.stream.JsonGenerator;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The JSON shapes of a job view, of an event and of a job's event log, shared by the REST API and every push
 * transport.
 */
public final class JobJson {

    private JobJson() {}

    /** The job view: every field is always present, with {@code null} for what has not happened. */
    public static JsonObject view(Job job) {
        return Jsonp.PROVIDER
                .createObjectBuilder()
                .add("id", job.id().value())
                .add("type", job.type())
                .add("name", job.name())
                .add("state", job.state().name())
                .add("seq", job.seq())
                .add("progress", progress(job.progress()))
                .add("params", JsonMaps.toJson(job.params()))
                .add("createdAt", time(job.createdAt()))
                .add("startedAt", time(job.startedAt()))
                .add("finishedAt", time(job.finishedAt()))
                .add("result", job.result() == null ? JsonValue.NULL : JsonMaps.toJson(job.result()))
                .add("error", error(job.error()))
                .add("cancelRequested", job.cancelRequested())
                .add("node", job.node() == null ? JsonValue.NULL : Jsonp.PROVIDER.createValue(job.node()))
                .add("external", job.external())
                .add("lastReportAt", time(job.lastReportAt()))
                .build();
    }

    /**
     * The view its owner gets from the REST API: the job view plus {@code owner}, a fresh {@code watchToken}, the
     * {@code reportToken} when one is given (the answer to the submission of an external job) and {@code links}.
     */
    public static JsonObject ownerView(Job job, String watchToken, Optional<String> reportToken, JsonObject links) {
        JsonObjectBuilder view = Jsonp.PROVIDER
                .createObjectBuilder(view(job))
                .add("owner", job.owner())
                .add("watchToken", watchToken);
        reportToken.ifPresent(token -> view.add("reportToken", token));
        return view.add("links", links).build();
    }

    /** The event message as a JSON object: {@link #eventText} read back (tests, and what inspects it). */
    public static JsonObject event(JobEvent event) {
        return JsonMaps.parseObject(eventText(event));
    }

    /**
     * The event message as text, encoded once and sent as is to every watcher, written straight to a generator (every
     * stored progress update is encoded here, on the thread that stores the next ones).
     */
    public static String eventText(JobEvent event) {
        return JsonMaps.generate(g -> writeEvent(g, event));
    }

    /** The event message, the one place its shape is written: {@code result} only on SUCCEEDED, {@code error} only on FAILED. */
    private static void writeEvent(JsonGenerator g, JobEvent event) {
        Progress p = event.progress();
        g.writeStartObject()
                .write("type", "event")
                .write("job", event.jobId().value())
                .write("seq", event.seq())
                .write("kind", event.kind().name().toLowerCase(Locale.ROOT))
                .write("state", event.state().name())
                .writeStartObject("progress")
                .write("done", p.done())
                .write("total", p.total());
        p.percent().ifPresentOrElse(pc -> g.write("percent", pc), () -> g.writeNull("percent"));
        g.write("message", p.message()).writeEnd().write("at", event.at().toString());
        if (event.result() != null) {
            g.write("result", JsonMaps.toJson(event.result()));
        }
        if (event.error() != null) {
            g.write("error", error(event.error()));
        }
        g.writeEnd();
    }

    /**
     * The answer of {@code GET /api/jobs/{id}/events}: {@code {"job":ID,"seq":CURRENT_SEQ,"events":[EVENT,...]}},
     * each event in the shape of the {@code event} message; {@code seq} is the job's latest, which may be ahead of
     * the last event listed.
     */
    public static String eventLog(JobId job, long seq, List<JobEvent> events) {
        return JsonMaps.generate(g -> {
            g.writeStartObject().write("job", job.value()).write("seq", seq).writeStartArray("events");
            events.forEach(e -> writeEvent(g, e));
            g.writeEnd().writeEnd();
        });
    }

    public static JsonObject progress(Progress p) {
        JsonObjectBuilder b =
                Jsonp.PROVIDER.createObjectBuilder().add("done", p.done()).add("total", p.total());
        p.percent().ifPresentOrElse(pc -> b.add("percent", pc), () -> b.addNull("percent"));
        return b.add("message", p.message()).build();
    }

    private static JsonValue error(JobError error) {
        return error == null
                ? JsonValue.NULL
                : JsonMaps.toJson(Map.of("kind", error.kind(), "message", error.message()));
    }

    private static JsonValue time(Instant instant) {
        return instant == null ? JsonValue.NULL : Jsonp.PROVIDER.createValue(instant.toString());
    }
}
