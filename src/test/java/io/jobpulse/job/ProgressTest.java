package io.jobpulse.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ProgressTest {

    @Test
    void rejectsNegativeDone() {
        assertThatIllegalArgumentException().isThrownBy(() -> new Progress(-1, 10, ""));
    }

    @Test
    void rejectsNegativeTotal() {
        assertThatIllegalArgumentException().isThrownBy(() -> new Progress(0, -1, ""));
    }

    @Test
    void rejectsDoneGreaterThanTotal() {
        assertThatIllegalArgumentException().isThrownBy(() -> new Progress(11, 10, ""));
    }

    @Test
    void acceptsDoneEqualToTotal() {
        assertThat(new Progress(10, 10, "").percent()).hasValue(100);
    }

    @Test
    void totalZeroIsIndeterminate() {
        Progress p = new Progress(0, 0, "warming up");

        assertThat(p.percent()).isEmpty();
    }

    @Test
    void totalZeroAcceptsAnyDoneCount() {
        Progress p = new Progress(12345, 0, "counting");

        assertThat(p.done()).isEqualTo(12345);
        assertThat(p.percent()).isEmpty();
    }

    @ParameterizedTest(name = "{0}/{1} is {2}%")
    @CsvSource({"0, 10, 0", "1, 3, 33", "2, 3, 66", "1, 2, 50", "999, 1000, 99", "10, 10, 100", "1, 1000000, 0"})
    void percentIsWholePercentRoundedDown(long done, long total, int percent) {
        assertThat(new Progress(done, total, "").percent()).hasValue(percent);
    }

    @Test
    void percentIsRightForHugeCounts() {
        assertThat(new Progress(Long.MAX_VALUE / 2, Long.MAX_VALUE, "").percent())
                .hasValue(49);
        assertThat(new Progress(Long.MAX_VALUE, Long.MAX_VALUE, "").percent()).hasValue(100);
    }

    @Test
    void nullMessageBecomesEmpty() {
        assertThat(new Progress(0, 0, null).message()).isEmpty();
    }

    @Test
    void messageOfExactlyMaxLengthIsKept() {
        String message = "m".repeat(Progress.MAX_MESSAGE_LENGTH);

        assertThat(new Progress(0, 0, message).message()).isEqualTo(message);
    }

    @Test
    void longMessageIsTruncatedTo500Characters() {
        String message = "a".repeat(500) + "TAIL";

        Progress p = new Progress(0, 0, message);

        assertThat(Progress.MAX_MESSAGE_LENGTH).isEqualTo(500);
        assertThat(p.message()).hasSize(500).isEqualTo("a".repeat(500));
    }

    @Test
    void truncationNeverSplitsACharacter() {
        String message = "a".repeat(499) + "\uD83D\uDE00" + "tail";

        String kept = new Progress(0, 0, message).message();

        assertThat(kept.length()).isLessThanOrEqualTo(500);
        assertThat(Character.isHighSurrogate(kept.charAt(kept.length() - 1))).isFalse();
    }

    @Test
    void noneIsZeroOfZeroWithoutMessage() {
        assertThat(Progress.none()).isEqualTo(new Progress(0, 0, ""));
        assertThat(Progress.none().percent()).isEmpty();
    }

    @Test
    void sameAsComparesCountsAndMessage() {
        Progress p = new Progress(1, 2, "x");

        assertThat(p.sameAs(new Progress(1, 2, "x"))).isTrue();
        assertThat(p.sameAs(new Progress(2, 2, "x"))).isFalse();
        assertThat(p.sameAs(new Progress(1, 3, "x"))).isFalse();
        assertThat(p.sameAs(new Progress(1, 2, "y"))).isFalse();
        assertThat(p.sameAs(null)).isFalse();
    }
}
