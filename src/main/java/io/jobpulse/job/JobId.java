package io.jobpulse.job;

import java.security.SecureRandom;
import java.util.Base64;
import java.util.Objects;
import java.util.Optional;

/** Opaque, URL-safe, unguessable job identifier: 128 random bits in base64url (22 characters). */
public record JobId(String value) {

    private static final SecureRandom RANDOM = new SecureRandom();
    private static final int LENGTH = 22;

    public JobId {
        Objects.requireNonNull(value, "value");
        if (!wellFormed(value)) {
            throw new IllegalArgumentException("not a job id: must be 22 base64url characters");
        }
    }

    public static JobId random() {
        byte[] bytes = new byte[16];
        RANDOM.nextBytes(bytes);
        return new JobId(Base64.getUrlEncoder().withoutPadding().encodeToString(bytes));
    }

    /** Parses untrusted input without throwing; anything that is not a well-formed id is empty. */
    public static Optional<JobId> parse(String candidate) {
        if (candidate == null || !wellFormed(candidate)) {
            return Optional.empty();
        }
        return Optional.of(new JobId(candidate));
    }

    /**
     * 22 base64url characters. A loop, not a regular expression: every id read back from the store is checked here, a
     * thousand in each shared progress commit (a {@code Matcher} per id showed in the cluster benchmark's profile).
     */
    private static boolean wellFormed(String candidate) {
        if (candidate.length() != LENGTH) {
            return false;
        }
        for (int i = 0; i < LENGTH; i++) {
            char c = candidate.charAt(i);
            boolean base64url =
                    (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
            if (!base64url) {
                return false;
            }
        }
        return true;
    }

    @Override
    public String toString() {
        return value;
    }
}
