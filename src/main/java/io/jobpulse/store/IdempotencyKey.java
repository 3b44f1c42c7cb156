package io.jobpulse.store;

import java.util.Objects;

/** A client's Idempotency-Key with the hash of the request it came with. */
public record IdempotencyKey(String key, String requestHash) {

    public static final int MAX_LENGTH = 200;

    public IdempotencyKey {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(requestHash, "requestHash");
        if (key.isEmpty() || key.length() > MAX_LENGTH) {
            throw new IllegalArgumentException("Idempotency-Key must have 1.." + MAX_LENGTH + " characters");
        }
    }
}
