package io.jobpulse.job;

import java.math.BigInteger;
import java.util.Objects;
import java.util.OptionalInt;

/**
 * Work done out of a total, plus a short human message. A total of 0 means "not known yet"
 * (an indeterminate bar); the percentage is derived, never stored.
 */
public record Progress(long done, long total, String message) {

    public static final int MAX_MESSAGE_LENGTH = 500;
    private static final Progress NONE = new Progress(0, 0, "");
    private static final BigInteger HUNDRED = BigInteger.valueOf(100);

    public Progress {
        if (done < 0) {
            throw new IllegalArgumentException("done must not be negative: " + done);
        }
        if (total < 0) {
            throw new IllegalArgumentException("total must not be negative: " + total);
        }
        if (total > 0 && done > total) {
            throw new IllegalArgumentException("done (" + done + ") must not exceed total (" + total + ")");
        }
        message = message == null ? "" : message;
        message = Texts.truncate(message, MAX_MESSAGE_LENGTH);
    }

    public static Progress none() {
        return NONE;
    }

    /** Whole percent done, when the total is known. */
    public OptionalInt percent() {
        if (total == 0) {
            return OptionalInt.empty();
        }
        return OptionalInt.of(
                done <= Long.MAX_VALUE / 100
                        ? (int) (done * 100 / total)
                        : BigInteger.valueOf(done)
                                .multiply(HUNDRED)
                                .divide(BigInteger.valueOf(total))
                                .intValue());
    }

    public boolean sameAs(Progress other) {
        return other != null && done == other.done && total == other.total && Objects.equals(message, other.message);
    }
}
