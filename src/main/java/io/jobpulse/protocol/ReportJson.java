package io.jobpulse.protocol;

import io.jobpulse.job.Job;
import io.jobpulse.job.JobError;
import io.jobpulse.job.JobState;
import io.jobpulse.job.Progress;
import io.jobpulse.job.Report;
import io.jobpulse.json.JsonMaps;
import io.jobpulse.json.Jsonp;
import jakarta.json.JsonNumber;
import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The JSON of {@code POST /api/jobs/{id}/reports}, a worker's report of an external job: the body, exactly one of
 * {@code {"progress":{"done":N,"total":M,"message":"..."}}}, {@code {"result":{...}}},
 * {@code {"error":{"kind":"...","message":"..."}}} or {@code {}} (a heartbeat), each with an optional {@code "id"}
 * (a positive integer, larger with every report); and the answer, {@code {"job":ID,"state":S,"seq":N,"cancel":B}}.
 */
public final class ReportJson {

    /** Error kinds: what an {@code error_kind} column and a client's {@code switch} can hold. */
    private static final Pattern KIND = Pattern.compile("[A-Za-z0-9_.:-]{1,64}");

    private static final List<String> FIELDS = List.of("id", "progress", "result", "error");
    private static final Set<String> PROGRESS_FIELDS = Set.of("done", "total", "message");
    private static final Set<String> ERROR_FIELDS = Set.of("kind", "message");

    private ReportJson() {}

    /** The report the body holds; an {@link InvalidReportException} saying why when it holds none. */
    public static Report parse(JsonObject body) {
        for (String field : body.keySet()) {
            if (!FIELDS.contains(field)) {
                throw new InvalidReportException(
                        "Unknown field '" + abbreviate(field) + "'; allowed: id, progress, " + "result, error.");
            }
        }
        long parts = FIELDS.stream().skip(1).filter(body::containsKey).count();
        if (parts > 1) {
            throw new InvalidReportException(
                    "A report holds one of progress, result and error, or none of them (a heartbeat).");
        }
        OptionalLong id =
                body.containsKey("id") ? OptionalLong.of(positiveLong(body.get("id"), "id")) : OptionalLong.empty();
        return new Report(id, content(body));
    }

    /** The answer to an accepted (or repeated) report: the job's state and latest {@code seq}, and whether to stop. */
    public static String answer(Job job) {
        return JsonMaps.write(Jsonp.PROVIDER
                .createObjectBuilder()
                .add("job", job.id().value())
                .add("state", job.state().name())
                .add("seq", job.seq())
                .add("cancel", cancelled(job))
                .build());
    }

    /** True when the worker should stop: the job was cancelled, or a cancel was asked for. */
    public static boolean cancelled(Job job) {
        return job.state() == JobState.CANCELLED || job.cancelRequested();
    }

    private static Report.Content content(JsonObject body) {
        if (body.containsKey("progress")) {
            return new Report.ProgressMade(progress(object(body.get("progress"), "progress")));
        }
        if (body.containsKey("result")) {
            return new Report.Succeeded(result(object(body.get("result"), "result")));
        }
        if (body.containsKey("error")) {
            return new Report.Failed(error(object(body.get("error"), "error")));
        }
        return new Report.Heartbeat();
    }

    private static Progress progress(JsonObject progress) {
        onlyFields(progress, PROGRESS_FIELDS, "progress", "done, total, message");
        if (!progress.containsKey("done")) {
            throw new InvalidReportException("progress.done is required.");
        }
        long done = nonNegativeLong(progress.get("done"), "progress.done");
        long total = progress.containsKey("total") ? nonNegativeLong(progress.get("total"), "progress.total") : 0;
        try {
            return new Progress(done, total, optionalString(progress, "message", "progress.message"));
        } catch (IllegalArgumentException e) {
            throw new InvalidReportException("progress: " + e.getMessage() + ".");
        }
    }

    private static Map<String, Object> result(JsonObject result) {
        int length = JsonMaps.write(result).length();
        if (length > Job.MAX_RESULT_CHARS) {
            throw InvalidReportException.resultTooLarge("The result has " + length + " characters of JSON; at most "
                    + Job.MAX_RESULT_CHARS + " are allowed.");
        }
        return JsonMaps.toMap(result);
    }

    private static JobError error(JsonObject error) {
        onlyFields(error, ERROR_FIELDS, "error", "kind, message");
        if (!(error.get("kind") instanceof JsonString kind)
                || !KIND.matcher(kind.getString()).matches()) {
            throw new InvalidReportException(
                    "error.kind is required: 1 to 64 letters, digits and _ . : - (for example export_failed).");
        }
        if (JobError.isReserved(kind.getString())) {
            throw new InvalidReportException("error.kind '" + kind.getString() + "' is reserved by JobPulse; "
                    + "reserved: " + String.join(", ", JobError.RESERVED_KINDS) + ".");
        }
        return new JobError(kind.getString(), optionalString(error, "message", "error.message"));
    }

    private static JsonObject object(JsonValue value, String field) {
        if (value.getValueType() != JsonValue.ValueType.OBJECT) {
            throw new InvalidReportException(field + " must be a JSON object.");
        }
        return value.asJsonObject();
    }

    private static void onlyFields(JsonObject object, Set<String> allowed, String name, String list) {
        for (String field : object.keySet()) {
            if (!allowed.contains(field)) {
                throw new InvalidReportException(
                        "Unknown field '" + abbreviate(field) + "' in " + name + "; allowed: " + list + ".");
            }
        }
    }

    private static String optionalString(JsonObject object, String field, String name) {
        JsonValue value = object.get(field);
        if (value == null || value == JsonValue.NULL) {
            return "";
        }
        if (!(value instanceof JsonString text)) {
            throw new InvalidReportException(name + " must be a string.");
        }
        return text.getString();
    }

    private static long positiveLong(JsonValue value, String name) {
        long n = integer(value, name, " must be a positive integer.");
        if (n < 1) {
            throw new InvalidReportException(name + " must be a positive integer.");
        }
        return n;
    }

    private static long nonNegativeLong(JsonValue value, String name) {
        long n = integer(value, name, " must be an integer, 0 or more.");
        if (n < 0) {
            throw new InvalidReportException(name + " must be an integer, 0 or more.");
        }
        return n;
    }

    private static long integer(JsonValue value, String name, String expected) {
        if (!(value instanceof JsonNumber number)) {
            throw new InvalidReportException(name + expected);
        }
        try {
            return number.bigDecimalValue().longValueExact(); // refuses a fraction and what does not fit a long
        } catch (ArithmeticException e) {
            throw new InvalidReportException(name + expected);
        }
    }

    private static String abbreviate(String text) {
        String safe = text.replaceAll("[^\\x20-\\x7e]", "?");
        return safe.length() > 64 ? safe.substring(0, 64) + "..." : safe;
    }
}
