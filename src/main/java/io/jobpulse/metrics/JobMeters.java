package io.jobpulse.metrics;

import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import java.time.Duration;
import java.util.Locale;

/**
 * The jobs' meters: submitted, started and finished by type (and outcome), with queue wait and run time as
 * histograms. Counted by the store after each commit, once per committed change, so every node counts what it wrote
 * and a cluster's figures add up across nodes. The type label's values are the deployment's job types: a bounded set.
 */
public final class JobMeters {

    /** Queue waits and run times, in seconds: from a few milliseconds to a day. */
    private static final double[] SECONDS = {
        0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600, 1800, 3600, 7200, 21600, 86400
    };

    private final Counter submitted;
    private final Counter started;
    private final Counter finished;
    private final Histogram queueWait;
    private final Histogram runTime;

    JobMeters(PrometheusRegistry registry) {
        submitted = counter("jobpulse_jobs_submitted", "Jobs stored by a submission (not its idempotent replays)")
                .labelNames("type")
                .register(registry);
        started = counter(
                        "jobpulse_jobs_started",
                        "Jobs that became RUNNING: claimed by a node, or an external job's first report (a job re-queued"
                                + " after its node was lost counts again when it runs again)")
                .labelNames("type")
                .register(registry);
        finished = counter("jobpulse_jobs_finished", "Jobs that ended, by outcome: succeeded, failed or cancelled")
                .labelNames("type", "outcome")
                .register(registry);
        queueWait = histogram("jobpulse_job_queue_wait_seconds", "From a job's submission to its start")
                .labelNames("type")
                .register(registry);
        runTime = histogram("jobpulse_job_run_seconds", "From a job's start to its end (jobs that started)")
                .labelNames("type")
                .register(registry);
    }

    private static Counter.Builder counter(String name, String help) {
        Counter.Builder builder = Counter.builder().name(name).help(help);
        builder.withoutExemplars();
        return builder;
    }

    private static Histogram.Builder histogram(String name, String help) {
        Histogram.Builder builder =
                Histogram.builder().name(name).help(help).classicOnly().classicUpperBounds(SECONDS);
        builder.withoutExemplars();
        return builder;
    }

    public void submitted(String type) {
        submitted.labelValues(type).inc();
    }

    /** A job of {@code type} started after waiting {@code queueWait} since it was submitted. */
    public void started(String type, Duration queueWait) {
        started.labelValues(type).inc();
        this.queueWait.labelValues(type).observe(seconds(queueWait));
    }

    /** A job of {@code type} ended with {@code outcome} (its terminal state); {@code ran}: null if it never started. */
    public void finished(String type, String outcome, Duration ran) {
        finished.labelValues(type, outcome.toLowerCase(Locale.ROOT)).inc();
        if (ran != null) {
            runTime.labelValues(type).observe(seconds(ran));
        }
    }

    /** Jobs submitted on this node, all types. */
    public long submittedTotal() {
        return total(submitted);
    }

    /** Jobs started on this node, all types. */
    public long startedTotal() {
        return total(started);
    }

    /** Jobs whose end this node stored, all types and outcomes. */
    public long finishedTotal() {
        return total(finished);
    }

    private static long total(Counter counter) {
        long sum = 0;
        for (CounterSnapshot.CounterDataPointSnapshot point : counter.collect().getDataPoints()) {
            sum += (long) point.getValue();
        }
        return sum;
    }

    private static double seconds(Duration d) {
        return Math.max(0, d.toNanos()) / 1e9;
    }
}
