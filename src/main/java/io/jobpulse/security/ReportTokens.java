package io.jobpulse.security;

import io.jobpulse.job.JobId;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;

/**
 * Issues and checks report tokens: {@code r1.<jobId>.<expiry epoch seconds>.<HMAC-SHA256, base64url>}, signed with
 * the same secret as watch tokens ({@code jobpulse.token-secret}) but of their own kind, so a report token never
 * watches and a watch token never reports. A report token lets its holder report the progress and end of one external
 * job until it expires ({@code jobpulse.external.report-token-ttl}), nothing else: it is no API key. Tokens are
 * secrets: never log them.
 */
public final class ReportTokens {

    static final String KIND = "r1";
    private static final String BEARER = "Bearer ";

    private final SignedTokens tokens;

    public ReportTokens(byte[] secret, Duration ttl, Clock clock) {
        this.tokens = new SignedTokens(KIND, secret, ttl, clock);
    }

    public String issue(JobId job) {
        return tokens.issue(job);
    }

    /** True only for an unexpired, untampered report token issued for exactly this job. */
    public boolean grants(String token, JobId job) {
        return tokens.grants(token, job);
    }

    /**
     * The job a request may report: its path's {@code jobText} when that is a job id and {@code authorization} is
     * {@code Bearer <token>} with a report token for it; empty otherwise (all alike).
     */
    public Optional<JobId> authorize(String jobText, String authorization) {
        if (authorization == null || !authorization.regionMatches(true, 0, BEARER, 0, BEARER.length())) {
            return Optional.empty();
        }
        String token = authorization.substring(BEARER.length()).trim();
        return JobId.parse(jobText).filter(job -> grants(token, job));
    }
}
