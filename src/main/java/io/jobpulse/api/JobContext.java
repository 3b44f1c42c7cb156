package io.jobpulse.api;

import java.time.Duration;
import java.util.Map;

/** What a running handler may see and do. Thread-safe; meant for the handler's own thread. */
public interface JobContext {

    /** The job's id, as the REST API and the WebSocket protocol show it. */
    String jobId();

    JobParameters parameters();

    /**
     * Reports progress. Cheap to call as often as you like: calls are coalesced, and the store and watchers see at
     * most {@code jobpulse.progress-rate} updates per second, always including the last one before the job ends.
     * {@code total} 0 means "unknown"; otherwise {@code 0 <= done <= total}.
     */
    void progress(long done, long total, String message);

    /** True once someone asked to cancel the job, or the server is shutting down. */
    boolean isCancelled();

    /** Throws {@link JobCancelledException} once the job should stop. */
    void checkCancelled() throws JobCancelledException;

    /** Waits like {@code Thread.sleep}, but wakes and throws at once when the job is cancelled. */
    void sleep(Duration duration) throws JobCancelledException;

    /** Sets the result recorded on success: JSON-like values (String, Number, Boolean, List, Map). */
    void result(Map<String, Object> result);
}
