package io.jobpulse.security;

import io.jobpulse.job.JobId;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Issues and checks watch tokens: {@code v1.<jobId>.<expiry epoch seconds>.<HMAC-SHA256, base64url>}.
 * A token grants watching one job until it expires. Tokens are secrets: never log them.
 */
public final class WatchTokens {

    private static final String VERSION = "v1";
    private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();

    private final SecretKeySpec key;
    private final Duration ttl;
    private final Clock clock;

    public WatchTokens(byte[] secret, Duration ttl, Clock clock) {
        if (secret.length < 16) {
            throw new IllegalArgumentException("token secret must have at least 16 bytes");
        }
        this.key = new SecretKeySpec(secret.clone(), "HmacSHA256");
        this.ttl = ttl;
        this.clock = clock;
    }

    public String issue(JobId job) {
        long expires = clock.instant().plus(ttl).getEpochSecond();
        String body = VERSION + "." + job.value() + "." + expires;
        return body + "." + sign(body);
    }

    /** True only for an unexpired, untampered token issued for exactly this job. */
    public boolean grants(String token, JobId job) {
        if (token == null || token.length() > 200) {
            return false;
        }
        int lastDot = token.lastIndexOf('.');
        if (lastDot < 0) {
            return false;
        }
        String body = token.substring(0, lastDot);
        String[] parts = body.split("\\.", -1);
        if (parts.length != 3 || !VERSION.equals(parts[0]) || !job.value().equals(parts[1])) {
            return false;
        }
        byte[] expected = sign(body).getBytes(StandardCharsets.US_ASCII);
        byte[] given = token.substring(lastDot + 1).getBytes(StandardCharsets.US_ASCII);
        if (!MessageDigest.isEqual(expected, given)) {
            return false;
        }
        try {
            return Long.parseLong(parts[2]) > clock.instant().getEpochSecond();
        } catch (NumberFormatException e) {
            return false;
        }
    }

    private String sign(String body) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(key);
            return B64.encodeToString(mac.doFinal(body.getBytes(StandardCharsets.US_ASCII)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is not available", e);
        }
    }
}
