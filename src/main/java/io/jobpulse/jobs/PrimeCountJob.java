package io.jobpulse.jobs;

import io.jobpulse.api.JobContext;
import io.jobpulse.api.JobHandler;
import io.jobpulse.api.JobType;
import io.jobpulse.api.ParameterSpec;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.BitSet;
import java.util.List;
import java.util.Map;

/**
 * CPU-bound: counts the primes below {@code limit} with a segmented sieve, one segment at a time, so progress is
 * the share of the range already sieved. 10^9 takes tens of seconds on one core. Retry-safe: a pure computation
 * of its parameter with no side effects, so a second run gives the same count and costs only CPU time.
 */
@ApplicationScoped
public class PrimeCountJob implements JobHandler {

    static final int SEGMENT = 1 << 20;

    private static final JobType TYPE = new JobType(
                    "prime-count",
                    "Counts the prime numbers below a limit with a segmented sieve (CPU-bound).",
                    List.of(ParameterSpec.requiredInteger(
                            "limit", "Count primes below this number", 2, 10_000_000_000L)))
            .retrySafe(3);

    @Override
    public JobType type() {
        return TYPE;
    }

    @Override
    public void run(JobContext context) throws Exception {
        long limit = context.parameters().getLong("limit");
        int root = (int) Math.sqrt((double) limit) + 1;
        int[] basePrimes = smallPrimes(root);
        long count = 0;
        long segments = (limit + SEGMENT - 1) / SEGMENT;
        BitSet composite = new BitSet(SEGMENT);
        for (long s = 0; s < segments; s++) {
            context.checkCancelled();
            long low = s * SEGMENT;
            long high = Math.min(low + SEGMENT, limit);
            count += sieveSegment(low, high, basePrimes, composite);
            context.progress(high, limit, String.format("%,d primes below %,d", count, high));
        }
        context.result(Map.of("limit", limit, "primes", count));
    }

    /** Primes in [low, high). */
    static long sieveSegment(long low, long high, int[] basePrimes, BitSet composite) {
        int size = (int) (high - low);
        composite.clear();
        for (int p : basePrimes) {
            long pp = (long) p * p;
            if (pp >= high) {
                break;
            }
            long start = Math.max(pp, ((low + p - 1) / p) * p);
            for (long m = start; m < high; m += p) {
                composite.set((int) (m - low));
            }
        }
        long primes = 0;
        for (int i = composite.nextClearBit(0); i < size; i = composite.nextClearBit(i + 1)) {
            if (low + i >= 2) {
                primes++;
            }
        }
        return primes;
    }

    static int[] smallPrimes(int upTo) {
        BitSet composite = new BitSet(upTo + 1);
        for (int i = 2; (long) i * i <= upTo; i++) {
            if (!composite.get(i)) {
                for (int m = i * i; m <= upTo; m += i) {
                    composite.set(m);
                }
            }
        }
        return java.util.stream.IntStream.rangeClosed(2, upTo)
                .filter(i -> !composite.get(i))
                .toArray();
    }
}
