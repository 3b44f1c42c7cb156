package io.jobpulse.store;

import static org.assertj.core.api.Assertions.assertThat;

import io.jobpulse.job.Job;
import io.jobpulse.job.JobId;
import io.jobpulse.job.Progress;
import io.jobpulse.metrics.Counter;
import io.jobpulse.metrics.NodeMetrics;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What the store counts in the node's meters once a change is committed: jobs, events, commit times. */
class StoreMetersTest {

    private static final Instant T0 = Instant.parse("2026-12-05T08:00:00Z");
    private static final Duration LEASE = Duration.ofMinutes(1);

    @TempDir
    Path dataDir;

    private EmbeddedPool pool;
    private final NodeMetrics metrics = new NodeMetrics();
    private JdbcJobStore store;

    @BeforeEach
    void openStore() {
        pool = Database.openEmbedded(dataDir);
        Database.migrate(pool);
        store = new JdbcJobStore(pool, metrics);
    }

    @AfterEach
    void closeStore() {
        pool.close();
    }

    @Test
    void aJobsLifeMovesItsMetersOnceEach() throws IOException {
        Job job = Job.submit(JobId.random(), "steps", "metered", "alice", Map.of(), T0);
        IdempotencyKey key = new IdempotencyKey("k-1", "hash-1");
        assertThat(store.submit(job, Optional.of(key))).isInstanceOf(SubmitOutcome.Created.class);
        Job again = Job.submit(JobId.random(), "steps", "metered", "alice", Map.of(), T0);
        assertThat(store.submit(again, Optional.of(key))).isInstanceOf(SubmitOutcome.Replayed.class); // not counted
        store.claimNext("node-1", T0.plusMillis(1500), LEASE);
        store.update(job.id(), T0.plusMillis(1600), j -> j.report(new Progress(1, 2, "half")));
        store.update(job.id(), T0.plusSeconds(4), j -> Optional.of(j.succeed(Map.of(), T0.plusSeconds(4))));

        String scrape = scrape();
        assertThat(scrape)
                .contains("jobpulse_jobs_submitted_total{type=\"steps\"} 1")
                .contains("jobpulse_jobs_started_total{type=\"steps\"} 1")
                .contains("jobpulse_jobs_finished_total{outcome=\"succeeded\",type=\"steps\"} 1")
                // queued 1.5 s: in the 2.5 s bucket, not the 1 s one
                .contains("jobpulse_job_queue_wait_seconds_bucket{type=\"steps\",le=\"1.0\"} 0")
                .contains("jobpulse_job_queue_wait_seconds_bucket{type=\"steps\",le=\"2.5\"} 1")
                // ran 2.5 s
                .contains("jobpulse_job_run_seconds_bucket{type=\"steps\",le=\"2.5\"} 1")
                .contains("jobpulse_job_run_seconds_bucket{type=\"steps\",le=\"1.0\"} 0");
        assertThat(metrics.get(Counter.EVENTS_STORED)).isEqualTo(4); // QUEUED, RUNNING, progress, SUCCEEDED
        assertThat(metrics.jobs().finishedTotal()).isEqualTo(1);
        assertThat(metrics.commits()).isGreaterThanOrEqualTo(4);
    }

    private String scrape() throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        PrometheusTextFormatWriter.create().write(out, metrics.registry().scrape());
        return out.toString(StandardCharsets.UTF_8);
    }
}
