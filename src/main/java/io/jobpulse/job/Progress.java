package io.jobpulse.job;

import java.util.Objects;
import java.util.OptionalInt;

/**
 * Work done out of a total, plus a short human message. A total of 0 means "not known yet"
 * (an indeterminate bar); the percentage is derived, never stored.
 */
public record Progress(long done, long total, String message) {

    public static final int MAX_MESSAGE_LENGTH = 500;
    private static final Progress NONE = new Progress(0, 0, "");

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
        if (message.length() > MAX_MESSAGE_LENGTH) {
            message = message.substring(0, MAX_MESSAGE_LENGTH);
        }
    }

    public static Progress none() {
        return NONE;
    }

    /** Whole percent done, when the total is known. */
    public OptionalInt percent() {
        return total == 0 ? OptionalInt.empty() : OptionalInt.of((int) (done * 100 / total));
    }

    public boolean sameAs(Progress other) {
        return other != null && done == other.done && total == other.total
                && Objects.equals(message, other.message);
    }
}
