package io.jobpulse.websocket;

import java.util.concurrent.ConcurrentHashMap;

/** Open connections counted per key (a remote address, an API client), each key up to a limit. Thread-safe. */
final class KeyedCounts {

    private final ConcurrentHashMap<String, Integer> counts = new ConcurrentHashMap<>();
    private final int limit;

    KeyedCounts(int limit) {
        this.limit = limit;
    }

    /** Counts one more for the key unless it already has {@code limit}; false then. */
    boolean tryAcquire(String key) {
        boolean[] acquired = {false};
        counts.compute(key, (k, n) -> {
            int now = n == null ? 0 : n;
            if (now >= limit) {
                return n;
            }
            acquired[0] = true;
            return now + 1;
        });
        return acquired[0];
    }

    void release(String key) {
        counts.computeIfPresent(key, (k, n) -> n <= 1 ? null : n - 1);
    }

    int count(String key) {
        return counts.getOrDefault(key, 0);
    }

    int limit() {
        return limit;
    }
}
