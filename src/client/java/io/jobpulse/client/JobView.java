package io.jobpulse.client;

import jakarta.json.JsonObject;
import java.time.Instant;
import java.util.Optional;

/**
 * A job as the server shows it (the job view of docs/api.md). A snapshot on the WebSocket has neither owner, watch
 * token nor links; only the answer to submitting an external job has a report token.
 *
 * @param id 22 URL-safe characters
 * @param type the job type
 * @param name the name given at submit
 * @param state where the job is
 * @param seq the number of its latest event
 * @param progress its latest progress
 * @param params its parameters as validated, defaults filled in
 * @param createdAt when it was submitted
 * @param startedAt when it last started running
 * @param finishedAt when it ended
 * @param result its result, once {@code SUCCEEDED}
 * @param error its error, once {@code FAILED}
 * @param cancelRequested a cancel was asked for while it ran
 * @param node the node that runs or ran it (never for an external job)
 * @param external whether it runs elsewhere and is reported by a worker
 * @param owner the API client that submitted it
 * @param watchToken lets one watch this job over the WebSocket (a secret of whoever may watch it)
 * @param reportToken lets a worker report this external job; in the answer to its submission only
 * @param links its URLs
 */
public record JobView(
        String id,
        String type,
        Optional<String> name,
        JobState state,
        long seq,
        Progress progress,
        JsonObject params,
        Instant createdAt,
        Optional<Instant> startedAt,
        Optional<Instant> finishedAt,
        Optional<JsonObject> result,
        Optional<JobError> error,
        boolean cancelRequested,
        Optional<String> node,
        boolean external,
        Optional<String> owner,
        Optional<String> watchToken,
        Optional<String> reportToken,
        Optional<JobLinks> links) {

    /**
     * What a worker needs to report this external job: present in the answer to its submission (the only view with
     * the report token).
     */
    public Optional<ReportTarget> reportTarget() {
        return reportToken.flatMap(
                token -> links.flatMap(JobLinks::report).map(report -> new ReportTarget(id, report, token)));
    }

    /** Tokens left out: they are credentials. */
    @Override
    public String toString() {
        return "JobView[id=" + id + ", type=" + type + ", state=" + state + ", seq=" + seq + ", progress=" + progress
                + ", external=" + external + "]";
    }
}
