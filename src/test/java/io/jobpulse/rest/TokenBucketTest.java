package io.jobpulse.rest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class TokenBucketTest {

    private final AtomicLong now = new AtomicLong(1_000_000_000_000L);
    private final TokenBucket sixHundredPerMinute = new TokenBucket(600, Duration.ofMinutes(1), now::get);

    private void advance(Duration d) {
        now.addAndGet(d.toNanos());
    }

    @Test
    void aFullBucketAllowsABurstOfItsCapacity() {
        for (int i = 0; i < 600; i++) {
            assertThat(sixHundredPerMinute.tryTake()).as("token %d", i).isZero();
        }
        assertThat(sixHundredPerMinute.tryTake()).isEqualTo(Duration.ofMillis(100));
    }

    @Test
    void anEmptyBucketRefillsOneTokenPerInterval() {
        for (int i = 0; i < 600; i++) {
            sixHundredPerMinute.tryTake();
        }
        advance(Duration.ofMillis(40));
        assertThat(sixHundredPerMinute.tryTake()).isEqualTo(Duration.ofMillis(60));
        advance(Duration.ofMillis(60));
        assertThat(sixHundredPerMinute.tryTake()).isZero();
        assertThat(sixHundredPerMinute.tryTake()).isEqualTo(Duration.ofMillis(100));
    }

    @Test
    void aRefusalTakesNothing() {
        for (int i = 0; i < 600; i++) {
            sixHundredPerMinute.tryTake();
        }
        for (int i = 0; i < 1000; i++) {
            assertThat(sixHundredPerMinute.tryTake()).isPositive();
        }
        advance(Duration.ofMillis(100));
        assertThat(sixHundredPerMinute.tryTake()).isZero();
    }

    @Test
    void anIdleBucketFillsUpToItsCapacityAndNoFurther() {
        advance(Duration.ofHours(5));
        for (int i = 0; i < 600; i++) {
            assertThat(sixHundredPerMinute.tryTake()).isZero();
        }
        assertThat(sixHundredPerMinute.tryTake()).isPositive();
    }

    @Test
    void aSteadyRateAtTheLimitIsNeverRefused() {
        for (int i = 0; i < 600; i++) {
            sixHundredPerMinute.tryTake();
        }
        for (int i = 0; i < 10_000; i++) {
            advance(Duration.ofMillis(100));
            assertThat(sixHundredPerMinute.tryTake()).isZero();
        }
    }

    @Test
    void thirtyPerMinuteMeansOneEveryTwoSeconds() {
        TokenBucket bucket = new TokenBucket(30, Duration.ofMinutes(1), now::get);
        for (int i = 0; i < 30; i++) {
            bucket.tryTake();
        }
        assertThat(bucket.tryTake()).isEqualTo(Duration.ofSeconds(2));
    }

    @Test
    void capacityAndPeriodMustBePositive() {
        assertThatIllegalArgumentException().isThrownBy(() -> new TokenBucket(0, Duration.ofMinutes(1), now::get));
        assertThatIllegalArgumentException().isThrownBy(() -> new TokenBucket(1, Duration.ZERO, now::get));
    }
}
