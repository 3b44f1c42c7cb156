package io.jobpulse.client;

import java.net.URI;
import java.util.Objects;

/**
 * What the worker of an external job needs to report it, and nothing more: the job's id, its {@code links.report}
 * and its report token. The submitter gets it from {@link JobView#reportTarget()} and hands it to the worker, which
 * passes it to {@link JobPulseClient#attach(ReportTarget)}. The token is a secret: it lets its holder report this job.
 */
public record ReportTarget(String jobId, URI report, String reportToken) {

    public ReportTarget {
        Objects.requireNonNull(jobId, "jobId");
        Objects.requireNonNull(report, "report");
        Objects.requireNonNull(reportToken, "reportToken");
    }

    /** No token in the text: it is a credential. */
    @Override
    public String toString() {
        return "ReportTarget[jobId=" + jobId + ", report=" + report + "]";
    }
}
