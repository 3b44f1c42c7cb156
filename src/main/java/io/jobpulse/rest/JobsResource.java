package io.jobpulse.rest;

import io.jobpulse.api.InvalidParametersException;
import io.jobpulse.execution.CancelOutcome;
import io.jobpulse.execution.JobService;
import io.jobpulse.execution.UnknownJobTypeException;
import io.jobpulse.http.ApiProblem;
import io.jobpulse.http.LongPoller;
import io.jobpulse.job.Job;
import io.jobpulse.job.JobEvent;
import io.jobpulse.job.JobId;
import io.jobpulse.job.JobState;
import io.jobpulse.json.JsonMaps;
import io.jobpulse.json.Jsonp;
import io.jobpulse.protocol.JobJson;
import io.jobpulse.security.ReportTokens;
import io.jobpulse.security.WatchTokens;
import io.jobpulse.store.IdempotencyKey;
import io.jobpulse.store.JobPage;
import io.jobpulse.store.SubmitOutcome;
import io.jobpulse.watch.WatchService;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.container.AsyncResponse;
import jakarta.ws.rs.container.Suspended;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.SecurityContext;
import jakarta.ws.rs.core.UriInfo;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Supplier;

/** {@code /api/jobs}: submit, read, list and cancel the caller's jobs, and read their event logs. See docs/api.md. */
@Path("jobs")
@RequestScoped
@Produces(MediaType.APPLICATION_JSON)
public class JobsResource {

    static final int MAX_NAME = 200;
    static final int DEFAULT_LIMIT = 20;
    static final int MAX_LIMIT = 100;

    @Inject
    JobService jobs;

    @Inject
    WatchTokens tokens;

    @Inject
    ReportTokens reportTokens;

    @Inject
    WatchService watching;

    @Inject
    ApiClientAuthenticator authenticator;

    @Inject
    LongPoller poller;

    @Inject
    RequestBodies bodies;

    @Inject
    SubmissionLimits submissionLimits;

    @Context
    SecurityContext security;

    @Context
    UriInfo uri;

    @Authenticated
    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    public Response submit(
            InputStream body, @HeaderParam("Idempotency-Key") String idempotencyKey, @Context HttpHeaders headers) {
        Optional<String> key = Optional.ofNullable(idempotencyKey).map(JobsResource::checkedKey);
        submissionLimits.admit(client(), key);
        JsonObject request =
                bodies.jsonObject(body, Optional.of((long) headers.getLength()).filter(length -> length >= 0));
        String type = requiredString(request, "type", 100);
        String name = optionalString(request, "name", MAX_NAME);
        JsonValue params = request.getOrDefault("params", JsonValue.EMPTY_JSON_OBJECT);
        if (params.getValueType() != JsonValue.ValueType.OBJECT) {
            throw ApiProblem.unprocessable("params must be a JSON object.");
        }
        for (String field : request.keySet()) {
            if (!List.of("type", "name", "params").contains(field)) {
                throw ApiProblem.unprocessable(
                        "Unknown field '" + abbreviate(field) + "'; allowed: type, name, params.");
            }
        }
        SubmitOutcome outcome;
        try {
            outcome = jobs.submit(client(), type, name, JsonMaps.toMap(params.asJsonObject()), key);
        } catch (UnknownJobTypeException e) {
            throw ApiProblem.unprocessable(e.getMessage() + "; see GET /api/job-types.");
        } catch (InvalidParametersException e) {
            JsonArrayBuilder violations = Jsonp.PROVIDER.createArrayBuilder();
            e.violations()
                    .forEach(v -> violations.add(Jsonp.PROVIDER
                            .createObjectBuilder()
                            .add("parameter", abbreviate(v.parameter()))
                            .add("message", v.message())));
            throw new ApiProblem(
                    422,
                    "Unprocessable Content",
                    "Invalid parameters: " + abbreviate(e.getMessage()),
                    Jsonp.PROVIDER
                            .createObjectBuilder()
                            .add("violations", violations)
                            .build());
        }
        if (outcome instanceof SubmitOutcome.KeyConflict) {
            throw new ApiProblem(409, "Conflict", "This Idempotency-Key was used before with a different request.");
        }
        Job job = outcome.job();
        Optional<String> reportToken = job.external() ? Optional.of(reportTokens.issue(job.id())) : Optional.empty();
        return Response.accepted(ownerView(job, reportToken).toString())
                .location(JobLinks.self(uri, job.id()))
                .type(MediaType.APPLICATION_JSON)
                .build();
    }

    @Authenticated
    @GET
    @Path("{id}")
    public String get(@PathParam("id") String id) {
        return ownerView(owned(id)).toString();
    }

    @Authenticated
    @GET
    public String list(
            @QueryParam("state") String state, @QueryParam("limit") String limit, @QueryParam("cursor") String cursor) {
        Optional<JobState> stateFilter =
                Optional.ofNullable(state).filter(s -> !s.isEmpty()).map(JobsResource::state);
        int pageSize = limit == null ? DEFAULT_LIMIT : intParam("limit", limit, 1, MAX_LIMIT);
        JobPage page = jobs.list(
                client(), stateFilter, pageSize, Optional.ofNullable(cursor).map(JobsResource::decodeCursor));
        return pageBody(page, this::ownerView);
    }

    /** A listing's answer: {@code {"jobs": [VIEW, ...], "nextCursor": "..." | null}}. */
    static String pageBody(JobPage page, Function<Job, JsonObject> view) {
        JsonArrayBuilder items = Jsonp.PROVIDER.createArrayBuilder();
        page.jobs().forEach(job -> items.add(view.apply(job)));
        return JsonMaps.write(Jsonp.PROVIDER
                .createObjectBuilder()
                .add("jobs", items)
                .add(
                        "nextCursor",
                        page.nextCursor()
                                .map(c -> (JsonValue) Jsonp.PROVIDER.createValue(encodeCursor(c)))
                                .orElse(JsonValue.NULL))
                .build());
    }

    @Authenticated
    @POST
    @Path("{id}/cancel")
    public Response cancel(@PathParam("id") String id) {
        JobId jobId = JobId.parse(id).orElseThrow(ApiProblem::notFound);
        Job job = accepted(jobs.cancel(client(), jobId).orElseThrow(ApiProblem::notFound));
        return Response.accepted(ownerView(job).toString())
                .type(MediaType.APPLICATION_JSON)
                .build();
    }

    /** The job of an accepted cancel; 409 when it had already ended. */
    static Job accepted(CancelOutcome outcome) {
        if (outcome instanceof CancelOutcome.AlreadyFinished finished) {
            throw new ApiProblem(
                    409,
                    "Conflict",
                    "The job has already ended: " + finished.job().state() + ".");
        }
        return ((CancelOutcome.Accepted) outcome).job();
    }

    /**
     * The stored events after {@code since}. Authorised by the owner's API key or, for browsers, the job's watch token
     * ({@code token}). With {@code wait} (at most 60 s) a long poll: held until there is an event after
     * {@code since}, or the wait ends with an empty list.
     */
    @GET
    @Path("{id}/events")
    public void events(
            @PathParam("id") String id,
            @QueryParam("since") String since,
            @QueryParam("limit") String limit,
            @QueryParam("wait") String wait,
            @QueryParam("token") String token,
            @HeaderParam(HttpHeaders.AUTHORIZATION) String authorization,
            @Suspended AsyncResponse async) {
        Job job = token != null
                ? watching.authorize(id, token).orElseThrow(ApiProblem::notFound)
                : JobId.parse(id)
                        .flatMap(jobId -> jobs.find(authenticator.authenticate(authorization), jobId))
                        .orElseThrow(ApiProblem::notFound);
        long after = since == null ? 0 : longParam("since", since);
        int max = limit == null
                ? JobService.MAX_EVENTS_PER_READ
                : intParam("limit", limit, 1, JobService.MAX_EVENTS_PER_READ);
        Duration hold = LongPoller.waitParam(wait);
        Supplier<Optional<String>> attempt = () -> {
            List<JobEvent> events = jobs.eventsAfter(job.id(), after, max);
            return events.isEmpty() ? Optional.empty() : Optional.of(eventsBody(job.id(), events));
        };
        Map<JobId, Long> waitable = job.state().isTerminal() ? Map.of() : Map.of(job.id(), after);
        poller.answer(async, hold, waitable, attempt.get(), attempt, () -> eventsBody(job.id(), List.of()));
    }

    private String eventsBody(JobId id, List<JobEvent> events) {
        return JobJson.eventLog(id, jobs.find(id).map(Job::seq).orElse(0L), events);
    }

    private JsonObject ownerView(Job job) {
        return ownerView(job, Optional.empty());
    }

    private JsonObject ownerView(Job job, Optional<String> reportToken) {
        return JobJson.ownerView(job, tokens.issue(job.id()), reportToken, JobLinks.of(uri, job.id(), job.external()));
    }

    private Job owned(String id) {
        return JobId.parse(id).flatMap(jobId -> jobs.find(client(), jobId)).orElseThrow(ApiProblem::notFound);
    }

    private String client() {
        return security.getUserPrincipal().getName();
    }

    private static String requiredString(JsonObject request, String field, int max) {
        JsonValue value = request.get(field);
        if (!(value instanceof JsonString s) || s.getString().isBlank()) {
            throw ApiProblem.unprocessable(field + " is required and must be a non-empty string.");
        }
        if (s.getString().length() > max) {
            throw ApiProblem.unprocessable(field + " must have at most " + max + " characters.");
        }
        return s.getString();
    }

    private static String optionalString(JsonObject request, String field, int max) {
        JsonValue value = request.get(field);
        if (value == null || value == JsonValue.NULL) {
            return "";
        }
        if (!(value instanceof JsonString)) {
            throw ApiProblem.unprocessable(field + " must be a string.");
        }
        return requiredStringOrEmpty((JsonString) value, field, max);
    }

    private static String requiredStringOrEmpty(JsonString value, String field, int max) {
        if (value.getString().length() > max) {
            throw ApiProblem.unprocessable(field + " must have at most " + max + " characters.");
        }
        return value.getString();
    }

    private static String checkedKey(String key) {
        if (key.isEmpty()
                || key.length() > IdempotencyKey.MAX_LENGTH
                || !key.chars().allMatch(c -> c > 0x20 && c < 0x7f)) {
            throw ApiProblem.badRequest("Idempotency-Key must be 1.." + IdempotencyKey.MAX_LENGTH
                    + " printable ASCII characters without spaces.");
        }
        return key;
    }

    private static JobState state(String text) {
        try {
            return JobState.valueOf(text.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw ApiProblem.badRequest("state must be one of QUEUED, RUNNING, SUCCEEDED, FAILED, CANCELLED.");
        }
    }

    private static int intParam(String name, String text, int min, int max) {
        long value = longParam(name, text);
        if (value < min || value > max) {
            throw ApiProblem.badRequest(name + " must be between " + min + " and " + max + ".");
        }
        return (int) value;
    }

    private static long longParam(String name, String text) {
        try {
            long value = Long.parseLong(text);
            if (value < 0) {
                throw ApiProblem.badRequest(name + " must not be negative.");
            }
            return value;
        } catch (NumberFormatException e) {
            throw ApiProblem.badRequest(name + " must be an integer.");
        }
    }

    static String encodeCursor(long row) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(("r" + row).getBytes(StandardCharsets.US_ASCII));
    }

    static long decodeCursor(String cursor) {
        try {
            String text = new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.US_ASCII);
            if (!text.startsWith("r")) {
                throw new IllegalArgumentException("not a cursor");
            }
            return Long.parseLong(text.substring(1));
        } catch (IllegalArgumentException e) {
            throw ApiProblem.badRequest("cursor is not one this API returned.");
        }
    }

    private static String abbreviate(String text) {
        String safe = text.replaceAll("[^\\x20-\\x7e]", "?");
        return safe.length() > 64 ? safe.substring(0, 64) + "..." : safe;
    }
}
