package io.jobpulse.bench;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/**
 * The workload both sides run: a job that goes RUNNING, reports "starting" at once, then one progress event per step,
 * {@code intervalMs} apart, and ends SUCCEEDED right after the last step (JobPulse's {@code steps} type). The reference
 * broadcasters send events of the same shape and size as JobPulse's, built here.
 */
final class BenchJob {

    /** Same length as a JobPulse job id. */
    static final String REFERENCE_JOB = "BenchReferenceJob00000";

    /** Like JobPulse's {@code at}: ISO-8601 UTC, always with milliseconds. */
    private static final DateTimeFormatter AT =
            DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);

    private BenchJob() {}

    static String referenceEvent(long seq, String kind, String state, long done, long total, Instant at) {
        return "{\"type\":\"event\",\"job\":\"" + REFERENCE_JOB + "\",\"seq\":" + seq + ",\"kind\":\"" + kind
                + "\",\"state\":\"" + state + "\",\"progress\":{\"done\":" + done + ",\"total\":" + total
                + ",\"percent\":" + (total == 0 ? "null" : Long.toString(done * 100 / total)) + ",\"message\":\""
                + (done == 0 ? "starting" : "step " + done + " of " + total) + "\"},\"at\":\"" + AT.format(at) + "\"}";
    }
}
