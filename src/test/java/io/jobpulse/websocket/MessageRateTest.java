package io.jobpulse.websocket;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class MessageRateTest {

    private static final long SECOND = 1_000_000_000L;

    @Test
    void aBurstPassesThenTheSustainedRate() {
        MessageRate rate = new MessageRate(10, 50, 0);
        for (int i = 0; i < 50; i++) {
            assertThat(rate.tryTake(0)).as("message %d of the burst", i).isTrue();
        }
        assertThat(rate.tryTake(0)).isFalse();

        int passed = 0;
        for (long t = 1; t <= 10 * SECOND; t += SECOND / 100) {
            if (rate.tryTake(t)) {
                passed++;
            }
        }
        assertThat(passed).isBetween(99, 101);
    }

    @Test
    void aQuietConnectionRefillsOnlyUpToTheBurst() {
        MessageRate rate = new MessageRate(10, 20, 0);
        int passed = 0;
        for (int i = 0; i < 100; i++) {
            if (rate.tryTake(3600 * SECOND)) {
                passed++;
            }
        }
        assertThat(passed).isEqualTo(20);
    }
}
