package io.jobpulse.security;

import io.jobpulse.job.JobId;
import java.time.Clock;
import java.time.Duration;

/**
 * Issues and checks watch tokens: {@code v1.<jobId>.<expiry epoch seconds>.<HMAC-SHA256, base64url>}.
 * A token grants watching one job until it expires, nothing else (not reporting it: {@link ReportTokens}). Tokens are
 * secrets: never log them.
 */
public final class WatchTokens {

    /** The kind in front of every watch token (the format's first version, before there were other kinds). */
    static final String KIND = "v1";

    private final SignedTokens tokens;

    public WatchTokens(byte[] secret, Duration ttl, Clock clock) {
        this.tokens = new SignedTokens(KIND, secret, ttl, clock);
    }

    public String issue(JobId job) {
        return tokens.issue(job);
    }

    /** True only for an unexpired, untampered watch token issued for exactly this job. */
    public boolean grants(String token, JobId job) {
        return tokens.grants(token, job);
    }
}
