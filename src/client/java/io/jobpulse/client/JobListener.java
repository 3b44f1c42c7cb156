package io.jobpulse.client;

import java.time.Duration;

/**
 * Receives what a {@link Watch} sees of one job. Calls for one watch come one at a time, in {@code seq} order, never
 * twice for one {@code seq}, on the client's WebSocket thread: keep them short (hand long work to an executor), since
 * the connection reads its next message only after the call returns. An exception thrown by a listener is logged and
 * does not end the watch.
 */
@FunctionalInterface
public interface JobListener {

    /** The job's next event; the last one is its terminal event ({@link JobEvent#isTerminal()}). */
    void onEvent(JobEvent event);

    /**
     * The job as it is now, when the server could not replay the events after the watch's {@code seq} (more than
     * 1000 events back): replace what you knew of the job with it. Later events follow it; when it shows an ended
     * job, the terminal event it stands for follows at once.
     */
    default void onSnapshot(JobView job) {}

    /**
     * The connection was lost ({@code closeCode} as in docs/protocol.md, 1006 when it broke without a close) and is
     * opened again in {@code retryIn}; the watch resumes after the last {@code seq} it delivered.
     */
    default void onReconnecting(int closeCode, String reason, Duration retryIn) {}

    /** The watch ended without its terminal event (see {@link Watch#ended()}); nothing follows. */
    default void onFailure(JobPulseException failure) {}
}
