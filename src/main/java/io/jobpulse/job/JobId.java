package io.jobpulse.job;

import java.security.SecureRandom;
import java.util.Base64;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/** Opaque, URL-safe, unguessable job identifier: 128 random bits in base64url (22 characters). */
public record JobId(String value) {

    private static final SecureRandom RANDOM = new SecureRandom();
    private static final Pattern FORMAT = Pattern.compile("[A-Za-z0-9_-]{22}");

    public JobId {
        Objects.requireNonNull(value, "value");
        if (!FORMAT.matcher(value).matches()) {
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
        if (candidate == null
                || candidate.length() != 22
                || !FORMAT.matcher(candidate).matches()) {
            return Optional.empty();
        }
        return Optional.of(new JobId(candidate));
    }

    @Override
    public String toString() {
        return value;
    }
}
