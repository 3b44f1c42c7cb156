package io.jobpulse.execution;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ProgressThrottleTest {

    private static final long MS = 1_000_000L;
    private static final long START = 5_000 * MS;

    @Test
    void letsTheFirstUpdateThroughAtOnce() {
        ProgressThrottle throttle = new ProgressThrottle(10);

        assertThat(throttle.nanosUntilNext(START)).isZero();
        assertThat(throttle.tryPass(START)).isTrue();
    }

    @Test
    void holdsBackUpdatesWithinTheInterval() {
        ProgressThrottle throttle = new ProgressThrottle(10);
        throttle.tryPass(START);

        assertThat(throttle.tryPass(START)).isFalse();
        assertThat(throttle.tryPass(START + 99 * MS)).isFalse();
        assertThat(throttle.tryPass(START + 100 * MS)).isTrue();
        assertThat(throttle.tryPass(START + 150 * MS)).isFalse();
        assertThat(throttle.tryPass(START + 200 * MS)).isTrue();
    }

    @Test
    void aHeldBackUpdateDoesNotMoveTheWindow() {
        ProgressThrottle throttle = new ProgressThrottle(10);
        throttle.tryPass(START);
        throttle.tryPass(START + 90 * MS);

        assertThat(throttle.tryPass(START + 100 * MS)).isTrue();
    }

    @Test
    void saysHowLongUntilTheNextUpdateMayGoOut() {
        ProgressThrottle throttle = new ProgressThrottle(10);
        throttle.tryPass(START);

        assertThat(throttle.nanosUntilNext(START)).isEqualTo(100 * MS);
        assertThat(throttle.nanosUntilNext(START + 30 * MS)).isEqualTo(70 * MS);
        assertThat(throttle.nanosUntilNext(START + 100 * MS)).isZero();
        assertThat(throttle.nanosUntilNext(START + 5_000 * MS)).isZero();
    }

    @Test
    void passesAtMostTheRatePerSecondUnderConstantPressure() {
        ProgressThrottle throttle = new ProgressThrottle(4);
        int passed = 0;
        for (long t = START; t < START + 1_000 * MS; t += MS) {
            if (throttle.tryPass(t)) {
                passed++;
            }
        }
        assertThat(passed).isEqualTo(4);
    }

    @Test
    void worksWithNegativeNanoTimes() {
        ProgressThrottle throttle = new ProgressThrottle(10);
        long negative = -1_000 * MS;

        assertThat(throttle.tryPass(negative)).isTrue();
        assertThat(throttle.tryPass(negative + 50 * MS)).isFalse();
        assertThat(throttle.tryPass(negative + 100 * MS)).isTrue();
    }

    @ParameterizedTest
    @ValueSource(doubles = {0, -1})
    void rejectsARateThatIsNotPositive(double rate) {
        assertThatThrownBy(() -> new ProgressThrottle(rate)).isInstanceOf(IllegalArgumentException.class);
    }
}
