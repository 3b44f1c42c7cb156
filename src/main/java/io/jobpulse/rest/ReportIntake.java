package io.jobpulse.rest;

import io.jobpulse.execution.ExternalJobs;
import io.jobpulse.http.ApiProblem;
import io.jobpulse.job.Job;
import io.jobpulse.job.JobId;
import io.jobpulse.job.Report;
import io.jobpulse.json.Jsonp;
import io.jobpulse.protocol.InvalidReportException;
import io.jobpulse.protocol.ReportJson;
import io.jobpulse.security.ReportTokens;
import io.jobpulse.store.ReportOutcome;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import java.io.InputStream;
import java.util.Optional;

/**
 * {@code POST /api/jobs/{id}/reports}: the worker of an external job reports its progress, result, failure or only that
 * it is alive. Authorised by the job's report token alone ({@code Authorization: Bearer <reportToken>}), checked before
 * anything else is read; it is not {@link Authenticated}: an API key does not report, and a report token is no API
 * key. See docs/api.md. Two HTTP layers hand reports here: {@link ReportFilter}, which serves them in the WAR without
 * the JAX-RS runtime (the most frequent request by far), and {@link ReportsResource}, which serves what the filter
 * leaves to JAX-RS (anything but the plain shape) and serves the in-process tests.
 */
@ApplicationScoped
public class ReportIntake {

    static final String JOB_ENDED_TYPE = "urn:jobpulse:problem:job-ended";
    static final String OUT_OF_ORDER_TYPE = "urn:jobpulse:problem:report-out-of-order";
    static final String NOT_EXTERNAL_TYPE = "urn:jobpulse:problem:not-external";
    static final String RESULT_TOO_LARGE_TYPE = "urn:jobpulse:problem:result-too-large";

    @Inject
    ReportTokens tokens;

    @Inject
    ReportLimits limits;

    @Inject
    RequestBodies bodies;

    @Inject
    ExternalJobs externals;

    /**
     * Takes one report: the answer's JSON text (200), or an {@link ApiProblem} thrown for every refusal, each checked
     * in this order: the token (401), the job's report rate (429), the body (400, 408, 413), the report (413, 422),
     * the job (404, 409). {@code declaredLength} is the Content-Length, empty when the body is chunked.
     */
    public String report(String id, String authorization, InputStream body, Optional<Long> declaredLength) {
        JobId job = tokens.authorize(id, authorization).orElseThrow(() -> unauthorized(authorization));
        limits.admit(job);
        JsonObject request = bodies.jsonObject(body, declaredLength);
        Report report;
        try {
            report = ReportJson.parse(request);
        } catch (InvalidReportException e) {
            throw e.resultTooLarge()
                    ? new ApiProblem(
                            413,
                            RESULT_TOO_LARGE_TYPE,
                            "Result Too Large",
                            e.getMessage(),
                            JsonValue.EMPTY_JSON_OBJECT,
                            Optional.empty())
                    : ApiProblem.unprocessable(e.getMessage());
        }
        ReportOutcome outcome = externals.report(job, report).orElseThrow(ApiProblem::notFound);
        if (outcome instanceof ReportOutcome.Ended) {
            throw ended(outcome.job());
        }
        if (outcome instanceof ReportOutcome.OutOfOrder stale) {
            throw new ApiProblem(
                    409,
                    OUT_OF_ORDER_TYPE,
                    "Report Out Of Order",
                    "Report " + report.id().orElseThrow() + " is older than the last accepted one, " + stale.lastId()
                            + "; it changed nothing.",
                    Jsonp.PROVIDER
                            .createObjectBuilder()
                            .add("lastId", stale.lastId())
                            .build(),
                    Optional.empty());
        }
        if (outcome instanceof ReportOutcome.NotExternal) {
            throw new ApiProblem(
                    409,
                    NOT_EXTERNAL_TYPE,
                    "Not An External Job",
                    "The job is not external: a node of JobPulse runs it and its handler reports its progress.",
                    JsonValue.EMPTY_JSON_OBJECT,
                    Optional.empty());
        }
        return ReportJson.answer(outcome.job()); // accepted, or a repeat of the last accepted report
    }

    private static ApiProblem ended(Job job) {
        return new ApiProblem(
                409,
                JOB_ENDED_TYPE,
                "Job Ended",
                "The job has already ended: " + job.state() + "; the report changed nothing.",
                Jsonp.PROVIDER
                        .createObjectBuilder()
                        .add("state", job.state().name())
                        .add("seq", job.seq())
                        .add("cancel", ReportJson.cancelled(job))
                        .build(),
                Optional.empty());
    }

    private static ApiProblem unauthorized(String authorization) {
        return new ApiProblem(
                401,
                "Unauthorized",
                authorization == null || authorization.isBlank()
                        ? "Send the job's report token: Authorization: Bearer <reportToken>."
                        : "The report token is not valid for this job (forged, expired, or another job's).");
    }
}
