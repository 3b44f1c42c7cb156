package io.jobpulse.client;

import java.util.OptionalInt;

/**
 * How far a job got: {@code done} of {@code total} ({@code total} 0: not known), and a message.
 *
 * @param done units done
 * @param total units in all, 0 when not known
 * @param message what the job says it is doing, possibly empty
 */
public record Progress(long done, long total, String message) {

    public Progress {
        if (message == null) {
            throw new IllegalArgumentException("message must not be null (use \"\")");
        }
    }

    /** The whole percentage {@code done*100/total}, as the server computes it; empty while the total is not known. */
    public OptionalInt percent() {
        return total == 0 ? OptionalInt.empty() : OptionalInt.of((int) (done * 100 / total));
    }
}
