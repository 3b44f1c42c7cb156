package io.jobpulse.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import io.jobpulse.job.Progress;
import java.util.BitSet;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class PrimeCountJobTest {

    private final PrimeCountJob job = new PrimeCountJob();

    @ParameterizedTest
    @CsvSource({"2, 0", "3, 1", "10, 4", "11, 4", "12, 5", "100, 25", "1000000, 78498"})
    void countsThePrimesBelowTheLimit(long limit, long primes) throws Exception {
        FakeJobContext context = FakeJobContext.forHandler(job, Map.of("limit", limit));

        job.run(context);

        assertThat(context.result).isEqualTo(Map.of("limit", limit, "primes", primes));
        assertThat(context.lastProgress().done()).isEqualTo(limit);
        assertThat(context.lastProgress().total()).isEqualTo(limit);
    }

    @ParameterizedTest
    @ValueSource(longs = {PrimeCountJob.SEGMENT, PrimeCountJob.SEGMENT + 1, 2L * PrimeCountJob.SEGMENT + 12_345})
    void countsAcrossWholeSegmentsLikeASimpleSieve(long limit) throws Exception {
        FakeJobContext context = FakeJobContext.forHandler(job, Map.of("limit", limit));

        job.run(context);

        assertThat(context.result).containsEntry("primes", simpleSieveCount(limit));
        long segments = (limit + PrimeCountJob.SEGMENT - 1) / PrimeCountJob.SEGMENT;
        assertThat(context.progress).hasSize((int) segments);
        assertThat(context.progress.get(0)).extracting(Progress::done).isEqualTo((long) PrimeCountJob.SEGMENT);
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 2, 7, 10, 49, 64, 97, 121, 1000})
    void segmentsOfAnySizeAddUpToTheNaiveCount(int segment) {
        long limit = 5_000;
        int[] basePrimes = PrimeCountJob.smallPrimes((int) Math.sqrt(limit) + 1);
        BitSet composite = new BitSet(segment);
        long total = 0;
        for (long low = 0; low < limit; low += segment) {
            long high = Math.min(low + segment, limit);
            long inSegment = PrimeCountJob.sieveSegment(low, high, basePrimes, composite);
            assertThat(inSegment).as("primes in [%d, %d)", low, high).isEqualTo(naiveCount(low, high));
            total += inSegment;
        }
        assertThat(total).isEqualTo(669);
    }

    @Test
    void segmentsStartingAtPrimeSquaresAndAroundThemAreRight() {
        int[] basePrimes = PrimeCountJob.smallPrimes(1_000);
        BitSet composite = new BitSet();
        for (long[] range : new long[][] {
            {0, 2},
            {2, 3},
            {4, 5},
            {24, 26},
            {48, 50},
            {49, 50},
            {120, 122},
            {961, 962},
            {999_000, 1_000_000},
            {1_000_000 - 17, 1_000_000}
        }) {
            assertThat(PrimeCountJob.sieveSegment(range[0], range[1], basePrimes, composite))
                    .as("primes in [%d, %d)", range[0], range[1])
                    .isEqualTo(naiveCount(range[0], range[1]));
        }
    }

    @Test
    void smallPrimesListsThePrimesUpToAndIncludingTheBound() {
        assertThat(PrimeCountJob.smallPrimes(2)).containsExactly(2);
        assertThat(PrimeCountJob.smallPrimes(13)).containsExactly(2, 3, 5, 7, 11, 13);
        assertThat(PrimeCountJob.smallPrimes(30)).containsExactly(2, 3, 5, 7, 11, 13, 17, 19, 23, 29);
    }

    private static long naiveCount(long low, long high) {
        long count = 0;
        for (long n = low; n < high; n++) {
            if (isPrime(n)) {
                count++;
            }
        }
        return count;
    }

    private static boolean isPrime(long n) {
        if (n < 2) {
            return false;
        }
        for (long d = 2; d * d <= n; d++) {
            if (n % d == 0) {
                return false;
            }
        }
        return true;
    }

    private static long simpleSieveCount(long limit) {
        boolean[] composite = new boolean[(int) limit];
        long count = 0;
        for (int i = 2; i < limit; i++) {
            if (!composite[i]) {
                count++;
                for (long m = (long) i * i; m < limit; m += i) {
                    composite[(int) m] = true;
                }
            }
        }
        return count;
    }
}
