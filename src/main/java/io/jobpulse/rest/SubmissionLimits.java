package io.jobpulse.rest;

import io.jobpulse.config.JobPulseConfig;
import io.jobpulse.http.ApiProblem;
import io.jobpulse.metrics.Counter;
import io.jobpulse.metrics.NodeMetrics;
import io.jobpulse.store.JdbcJobStore;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.function.LongSupplier;

/**
 * Admits a submission before its body is read, or refuses it with 429 and {@code Retry-After}: at most
 * {@code jobpulse.rest.submissions-per-minute} per API client (a token bucket each; every attempt counts, valid or
 * not), and no new job while the client has {@code jobpulse.max-queued-jobs-per-client} QUEUED. A request whose
 * Idempotency-Key the client has already used is never refused: it creates nothing, and answers the earlier job
 * (or 409). The buckets are keyed by configured API clients, so their number is bounded.
 */
@ApplicationScoped
public class SubmissionLimits {

    static final String RATE_TYPE = "urn:jobpulse:problem:submission-rate";
    static final String QUEUE_TYPE = "urn:jobpulse:problem:queued-jobs";
    /** What a client with a full queue is told to wait: about how long a short job takes to start. */
    static final Duration QUEUE_RETRY_AFTER = Duration.ofSeconds(10);

    private final ConcurrentMap<String, TokenBucket> buckets = new ConcurrentHashMap<>();
    private int submissionsPerMinute;
    private int maxQueuedJobsPerClient;
    private JdbcJobStore store;
    private NodeMetrics metrics;
    private LongSupplier nanoTime;

    protected SubmissionLimits() {
        // for CDI
    }

    @Inject
    SubmissionLimits(JobPulseConfig config, JdbcJobStore store, NodeMetrics metrics) {
        this(
                config.rest().submissionsPerMinute(),
                config.jobs().maxQueuedJobsPerClient(),
                store,
                metrics,
                System::nanoTime);
    }

    SubmissionLimits(
            int submissionsPerMinute,
            int maxQueuedJobsPerClient,
            JdbcJobStore store,
            NodeMetrics metrics,
            LongSupplier nanoTime) {
        this.submissionsPerMinute = submissionsPerMinute;
        this.maxQueuedJobsPerClient = maxQueuedJobsPerClient;
        this.store = store;
        this.metrics = metrics;
        this.nanoTime = nanoTime;
    }

    /** Throws a 429 {@link ApiProblem} when {@code client} may not submit now. */
    public void admit(String client, Optional<String> idempotencyKey) {
        Duration wait = buckets.computeIfAbsent(
                        client, c -> new TokenBucket(submissionsPerMinute, Duration.ofMinutes(1), nanoTime))
                .tryTake();
        if (!wait.isZero() && !isRepeat(client, idempotencyKey)) {
            metrics.increment(Counter.REST_SUBMISSIONS_REFUSED);
            throw ApiProblem.tooManyRequests(
                    RATE_TYPE,
                    "Too Many Submissions",
                    "At most " + submissionsPerMinute + " submissions per minute per API client.",
                    wait);
        }
        if (store.countQueued(client) >= maxQueuedJobsPerClient && !isRepeat(client, idempotencyKey)) {
            metrics.increment(Counter.REST_SUBMISSIONS_REFUSED);
            throw ApiProblem.tooManyRequests(
                    QUEUE_TYPE,
                    "Too Many Queued Jobs",
                    "At most " + maxQueuedJobsPerClient + " jobs per API client may wait in the queue.",
                    QUEUE_RETRY_AFTER);
        }
    }

    private boolean isRepeat(String client, Optional<String> idempotencyKey) {
        return idempotencyKey.isPresent() && store.hasIdempotencyKey(client, idempotencyKey.get());
    }
}
