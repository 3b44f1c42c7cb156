package io.jobpulse.client;

import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import jakarta.json.JsonValue;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

/**
 * The worker's side of an external job (docs/external-jobs.md): reports its progress, heartbeats and its end to the
 * job's {@code links.report} with its report token. Each report carries an id one larger than the last, so a report
 * retried after a lost answer or a 429, 5xx or connection failure (up to {@value #ATTEMPTS} tries, the same id each
 * time) is applied once. A cancel reaches the worker in the answer to its next report: that call throws
 * {@link JobCancelledException} and {@link #isCancelRequested()} turns true.
 *
 * <p>{@link #close()} fails the job (kind {@value #CLOSED_KIND}) if neither {@link #succeed} nor {@link #fail} was
 * called and the job has not ended otherwise, so a try-with-resources block that throws leaves no job running.
 *
 * <p>Thread-safe: reports are sent one at a time, in the order of the calls.
 */
public final class ExternalJob implements AutoCloseable {

    /** The error kind {@link #close()} reports for a job that got no end. */
    public static final String CLOSED_KIND = "closed_without_result";

    static final int ATTEMPTS = 4;
    private static final Duration FIRST_RETRY = Duration.ofMillis(200);
    private static final Duration LONGEST_RETRY = Duration.ofSeconds(5);

    /**
     * The server's answer to an accepted report.
     *
     * @param job the job's id
     * @param state the job's state after the report
     * @param seq the job's latest event
     * @param cancel whether the worker should stop
     */
    public record Answer(String job, JobState state, long seq, boolean cancel) {}

    private final Http http;
    private final ReportTarget target;
    private long nextId = 1; // guarded by this
    private boolean ended; // guarded by this
    private volatile boolean cancelRequested;

    ExternalJob(Http http, ReportTarget target) {
        this.http = http;
        this.target = target;
    }

    public String jobId() {
        return target.jobId();
    }

    /** Where this job is reported, with the token: hand it to another worker to take over. */
    public ReportTarget target() {
        return target;
    }

    /** Whether an answer said the job was cancelled: stop working on it. */
    public boolean isCancelRequested() {
        return cancelRequested;
    }

    /**
     * Reports {@code done} of {@code total} ({@code total} 0: not known) with a message (cut to 500 characters by the
     * server). The first report moves the job to {@code RUNNING}. Keep to a few a second: the server accepts 20 a
     * second per job and answers more with 429, which this retries after the {@code Retry-After}.
     *
     * @throws JobCancelledException the job was cancelled: stop
     */
    public synchronized Answer progress(long done, long total, String message) {
        return report(JsonValues.PROVIDER
                .createObjectBuilder()
                .add(
                        "progress",
                        JsonValues.PROVIDER
                                .createObjectBuilder()
                                .add("done", done)
                                .add("total", total)
                                .add("message", message == null ? "" : message)));
    }

    /** Keeps the job alive without new progress (before its type's heartbeat timeout, 60 s for {@code external}). */
    public synchronized Answer heartbeat() {
        return report(JsonValues.PROVIDER.createObjectBuilder());
    }

    /** Ends the job {@code SUCCEEDED} with an empty result. */
    public synchronized Answer succeed() {
        return succeed(JsonValue.EMPTY_JSON_OBJECT);
    }

    /** Ends the job {@code SUCCEEDED} with this result (strings, numbers, booleans, maps, lists, JSON-P values). */
    public synchronized Answer succeed(Map<String, ?> result) {
        return succeed(JsonValues.object(result));
    }

    /** Ends the job {@code SUCCEEDED} with this result (at most 262 144 characters of JSON: 413 above). */
    public synchronized Answer succeed(JsonObject result) {
        Answer answer = report(JsonValues.PROVIDER.createObjectBuilder().add("result", result));
        ended = true;
        return answer;
    }

    /**
     * Ends the job {@code FAILED} with this error: {@code kind} 1 to 64 letters, digits and {@code _ . : -}, not one
     * JobPulse records itself ({@code worker_lost}, {@code timeout}, ...: 422).
     */
    public synchronized Answer fail(String kind, String message) {
        JsonObjectBuilder error = JsonValues.PROVIDER.createObjectBuilder().add("kind", kind);
        if (message != null) {
            error.add("message", message);
        }
        Answer answer = report(JsonValues.PROVIDER.createObjectBuilder().add("error", error));
        ended = true;
        return answer;
    }

    /**
     * Fails the job with {@value #CLOSED_KIND} unless it ended (by {@link #succeed}, {@link #fail}, a cancel, or an
     * answer saying it had ended). If that report cannot be sent, the job ends {@code worker_lost} after its heartbeat
     * timeout anyway.
     */
    @Override
    public synchronized void close() {
        if (ended) {
            return;
        }
        try {
            fail(CLOSED_KIND, "the worker closed the job without reporting its end");
        } catch (JobPulseException e) {
            if (!ended) {
                throw e;
            }
            // it had ended meanwhile (cancelled, lost): nothing to report
        }
    }

    private Answer report(JsonObjectBuilder fields) {
        if (ended) {
            if (cancelRequested) {
                throw new JobCancelledException(jobId());
            }
            throw new IllegalStateException("the job " + jobId() + " has ended; it takes no more reports");
        }
        long id = nextId++;
        JsonObject body = fields.add("id", id).build();
        Duration wait = FIRST_RETRY;
        for (int attempt = 1; ; attempt++) {
            HttpResponse<String> response;
            try {
                response = http.send(target.report(), Optional.of(target.reportToken()), Optional.of(body));
            } catch (JobPulseException noAnswer) {
                if (attempt >= ATTEMPTS || Thread.currentThread().isInterrupted()) {
                    throw noAnswer;
                }
                pause(wait);
                wait = longer(wait);
                continue;
            }
            int status = response.statusCode();
            if (status == 200) {
                Answer answer = ServerJson.answer(Http.expect(response, 200));
                if (answer.state().isTerminal()) {
                    ended = true;
                }
                if (answer.cancel()) {
                    cancelRequested = true;
                    ended = true;
                    throw new JobCancelledException(jobId());
                }
                return answer;
            }
            JsonObject problem = Http.problem(response);
            String type = problem.getString("type", JobPulseException.ABOUT_BLANK);
            if (status == 409 && "urn:jobpulse:problem:job-ended".equals(type)) {
                ended = true;
                if (problem.getBoolean("cancel", false)) {
                    cancelRequested = true;
                    throw new JobCancelledException(status, problem, Optional.empty());
                }
                throw new JobPulseException(status, problem, Optional.empty());
            }
            if (status == 409 && "urn:jobpulse:problem:report-out-of-order".equals(type) && attempt < ATTEMPTS) {
                // another worker (or an earlier handle) reported this job with larger ids: continue after them
                long lastId = problem.getJsonNumber("lastId").longValueExact();
                nextId = lastId + 2;
                body = JsonValues.PROVIDER
                        .createObjectBuilder(body)
                        .add("id", lastId + 1)
                        .build();
                continue;
            }
            boolean retryable = status == 429 || status == 502 || status == 503 || status == 504;
            if (!retryable || attempt >= ATTEMPTS) {
                throw new JobPulseException(status, problem, Http.retryAfter(response));
            }
            Duration retryAfter = Http.retryAfter(response).orElse(wait);
            pause(retryAfter.compareTo(LONGEST_RETRY) > 0 ? LONGEST_RETRY : retryAfter);
            wait = longer(wait);
        }
    }

    private static Duration longer(Duration wait) {
        Duration doubled = wait.multipliedBy(2);
        return doubled.compareTo(LONGEST_RETRY) > 0 ? LONGEST_RETRY : doubled;
    }

    /** A retry's backoff on the worker's own thread; an interrupt ends it and is kept for the caller. */
    private static void pause(Duration wait) {
        try {
            Thread.sleep(wait.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new JobPulseException("Interrupted", "interrupted while waiting to retry a report", e);
        }
    }
}
