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
 * Tokens of one kind for one job: {@code <kind>.<jobId>.<expiry epoch seconds>.<HMAC-SHA256, base64url>}, the MAC
 * taken over everything before it, kind included. Kinds share the secret but not their tokens: a token of one kind
 * names its kind in what is signed, so it never passes as another (the MAC domain is the kind). Tokens are secrets:
 * never log them.
 */
final class SignedTokens {

    private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();
    private static final int MAX_LENGTH = 200;

    private final String kind;
    private final SecretKeySpec key;
    /**
     * Initialised with the key once; each signature is taken on a clone. {@code Mac.getInstance} and {@code init} per
     * call (a provider lookup, JCE's provider check, a reflective instantiation) were most of a report's token check
     * in the benchmark's profile.
     */
    private final Mac prototype;

    private final Duration ttl;
    private final Clock clock;

    SignedTokens(String kind, byte[] secret, Duration ttl, Clock clock) {
        if (secret.length < 16) {
            throw new IllegalArgumentException("token secret must have at least 16 bytes");
        }
        this.kind = kind;
        this.key = new SecretKeySpec(secret.clone(), "HmacSHA256");
        this.prototype = newMac();
        this.ttl = ttl;
        this.clock = clock;
    }

    String issue(JobId job) {
        long expires = clock.instant().plus(ttl).getEpochSecond();
        String body = kind + "." + job.value() + "." + expires;
        return body + "." + sign(body);
    }

    /** True only for an unexpired, untampered token of this kind issued for exactly this job. */
    boolean grants(String token, JobId job) {
        if (token == null || token.length() > MAX_LENGTH) {
            return false;
        }
        int lastDot = token.lastIndexOf('.');
        if (lastDot < 0) {
            return false;
        }
        String body = token.substring(0, lastDot);
        String[] parts = body.split("\\.", -1);
        if (parts.length != 3 || !kind.equals(parts[0]) || !job.value().equals(parts[1])) {
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
        return B64.encodeToString(mac().doFinal(body.getBytes(StandardCharsets.US_ASCII)));
    }

    /** A fresh MAC with the key: a clone of the prototype, or a new one where the provider's cannot be cloned. */
    private Mac mac() {
        try {
            return (Mac) prototype.clone();
        } catch (CloneNotSupportedException e) {
            return newMac();
        }
    }

    private Mac newMac() {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(key);
            return mac;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is not available", e);
        }
    }
}
