package io.jobpulse.rest;

import io.jobpulse.config.JobPulseConfig;
import io.jobpulse.http.ApiProblem;
import io.jobpulse.job.JobId;
import io.jobpulse.metrics.Counter;
import io.jobpulse.metrics.NodeMetrics;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongSupplier;

/**
 * Admits a report of an external job before its body is read, or refuses it with 429 and {@code Retry-After}: at most
 * {@code jobpulse.external.reports-per-second} per job on this node (a token bucket each, with a burst of as many;
 * every report counts, a retry too). Buckets of jobs that stopped reporting are forgotten now and then: a bucket that
 * has refilled is no different from a new one, so the map holds about the jobs that reported in the last second.
 */
@ApplicationScoped
public class ReportLimits {

    static final String RATE_TYPE = "urn:jobpulse:problem:report-rate";
    /** How many admissions pass between two sweeps of refilled buckets. */
    static final int SWEEP_EVERY = 1024;

    private final ConcurrentMap<JobId, TokenBucket> buckets = new ConcurrentHashMap<>();
    private final AtomicInteger sinceSweep = new AtomicInteger();
    private int reportsPerSecond;
    private NodeMetrics metrics;
    private LongSupplier nanoTime;

    protected ReportLimits() {
        // for CDI
    }

    @Inject
    ReportLimits(JobPulseConfig config, NodeMetrics metrics) {
        this(config.external().reportsPerSecond(), metrics, System::nanoTime);
    }

    ReportLimits(int reportsPerSecond, NodeMetrics metrics, LongSupplier nanoTime) {
        this.reportsPerSecond = reportsPerSecond;
        this.metrics = metrics;
        this.nanoTime = nanoTime;
    }

    /** Throws a 429 {@link ApiProblem} when {@code job} may not report now. */
    public void admit(JobId job) {
        if (sinceSweep.incrementAndGet() >= SWEEP_EVERY) {
            sinceSweep.set(0);
            buckets.values().removeIf(TokenBucket::isFull);
        }
        Duration wait = buckets.computeIfAbsent(
                        job, j -> new TokenBucket(reportsPerSecond, Duration.ofSeconds(1), nanoTime))
                .tryTake();
        if (!wait.isZero()) {
            metrics.increment(Counter.REST_REPORTS_REFUSED);
            throw ApiProblem.tooManyRequests(
                    RATE_TYPE,
                    "Too Many Reports",
                    "At most " + reportsPerSecond + " reports per second per job.",
                    wait);
        }
    }

    /** How many jobs' buckets are kept now. */
    int trackedJobs() {
        return buckets.size();
    }
}
