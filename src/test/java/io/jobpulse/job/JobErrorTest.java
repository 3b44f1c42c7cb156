package io.jobpulse.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatNullPointerException;

import java.io.IOException;
import org.junit.jupiter.api.Test;

class JobErrorTest {

    @Test
    void fromExceptionUsesTheExceptionMessage() {
        JobError error = JobError.fromException(new IllegalStateException("disk full"));

        assertThat(error.kind()).isEqualTo(JobError.HANDLER_ERROR).isEqualTo("handler_error");
        assertThat(error.message()).isEqualTo("disk full");
    }

    @Test
    void fromExceptionWithoutMessageUsesTheSimpleTypeName() {
        assertThat(JobError.fromException(new IOException()).message()).isEqualTo("IOException");
    }

    @Test
    void fromExceptionWithBlankMessageUsesTheSimpleTypeName() {
        assertThat(JobError.fromException(new IllegalArgumentException("  ")).message())
                .isEqualTo("IllegalArgumentException");
    }

    @Test
    void fromExceptionUsesOnlyTheTopMessageNotTheCauseOrTrace() {
        Exception failure = new RuntimeException("outer", new IllegalStateException("inner secret"));

        JobError error = JobError.fromException(failure);

        assertThat(error.message()).isEqualTo("outer").doesNotContain("inner").doesNotContain("\tat ");
    }

    @Test
    void fromExceptionTruncatesLongMessages() {
        JobError error = JobError.fromException(new RuntimeException("x".repeat(5_000)));

        assertThat(error.message()).hasSize(JobError.MAX_MESSAGE_LENGTH);
        assertThat(JobError.MAX_MESSAGE_LENGTH).isEqualTo(1000);
    }

    @Test
    void truncationNeverSplitsACharacter() {
        String message = "a".repeat(JobError.MAX_MESSAGE_LENGTH - 1) + "\uD83D\uDE00" + "tail";

        String kept = new JobError(JobError.HANDLER_ERROR, message).message();

        assertThat(kept.length()).isLessThanOrEqualTo(JobError.MAX_MESSAGE_LENGTH);
        assertThat(Character.isHighSurrogate(kept.charAt(kept.length() - 1))).isFalse();
    }

    @Test
    void nullMessageBecomesEmpty() {
        assertThat(new JobError(JobError.INTERRUPTED, null).message()).isEmpty();
    }

    @Test
    void rejectsMissingKind() {
        assertThatNullPointerException().isThrownBy(() -> new JobError(null, "m"));
    }
}
