package io.jobpulse.bench;

import java.util.Map;

/** Ages in ms counted into a histogram of 1 ms buckets up to 60 s (older ones in the last): percentiles and max. */
final class Staleness {

    private static final int BUCKETS = 60_000;
    private final long[] counts = new long[BUCKETS];
    private long total;
    private long max;

    void add(long ageMs) {
        int bucket = (int) Math.max(0, Math.min(BUCKETS - 1, ageMs));
        counts[bucket]++;
        total++;
        max = Math.max(max, ageMs);
    }

    /** The smallest age at or below which {@code q} of the counted ones are, or null when none was counted. */
    Double percentile(double q) {
        if (total == 0) {
            return null;
        }
        long rank = Math.max(1, (long) Math.ceil(q * total));
        long seen = 0;
        for (int i = 0; i < BUCKETS; i++) {
            seen += counts[i];
            if (seen >= rank) {
                return (double) i;
            }
        }
        return (double) (BUCKETS - 1);
    }

    /** {@code <prefix>Count}, {@code <prefix>P50Ms}, {@code <prefix>P99Ms}, {@code <prefix>MaxMs}. */
    void into(Map<String, Object> r, String prefix) {
        r.put(prefix + "Count", total);
        r.put(prefix + "P50Ms", percentile(0.50));
        r.put(prefix + "P99Ms", percentile(0.99));
        r.put(prefix + "MaxMs", total == 0 ? null : (double) max);
    }
}
