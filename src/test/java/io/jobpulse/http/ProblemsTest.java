package io.jobpulse.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class ProblemsTest {

    @Test
    void retryAfterIsWholeSecondsRoundedUpAndAtLeastOne() {
        assertThat(Problems.retryAfterSeconds(Duration.ofMillis(1))).isEqualTo(1);
        assertThat(Problems.retryAfterSeconds(Duration.ZERO)).isEqualTo(1);
        assertThat(Problems.retryAfterSeconds(Duration.ofMillis(2001))).isEqualTo(3);
        assertThat(Problems.retryAfterSeconds(Duration.ofSeconds(10))).isEqualTo(10);
    }
}
