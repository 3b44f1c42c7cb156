package io.jobpulse.rest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

import io.jobpulse.http.ApiProblem;
import io.jobpulse.job.JobId;
import io.jobpulse.metrics.Counter;
import io.jobpulse.metrics.NodeMetrics;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class ReportLimitsTest {

    private final AtomicLong now = new AtomicLong(1_000_000_000L);
    private final NodeMetrics metrics = new NodeMetrics();
    private final ReportLimits limits = new ReportLimits(4, metrics, now::get);
    private final JobId job = JobId.random();

    @Test
    void eachJobMayReportItsRateASecondAndIsThenRefusedWithRetryAfter() {
        for (int i = 0; i < 4; i++) {
            limits.admit(job);
        }

        assertThatExceptionOfType(ApiProblem.class)
                .isThrownBy(() -> limits.admit(job))
                .satisfies(p -> {
                    assertThat(p.status()).isEqualTo(429);
                    assertThat(p.type()).isEqualTo(ReportLimits.RATE_TYPE);
                    assertThat(p.title()).isEqualTo("Too Many Reports");
                    assertThat(p.getMessage()).isEqualTo("At most 4 reports per second per job.");
                    assertThat(p.retryAfter()).contains(Duration.ofMillis(250));
                });
        assertThatCode(() -> limits.admit(JobId.random())).as("another job").doesNotThrowAnyException();
        assertThat(metrics.get(Counter.REST_REPORTS_REFUSED)).isEqualTo(1);
        now.addAndGet(Duration.ofMillis(250).toNanos());
        assertThatCode(() -> limits.admit(job)).doesNotThrowAnyException();
    }

    @Test
    void theBucketsOfJobsThatStoppedReportingAreForgotten() {
        for (int i = 0; i < ReportLimits.SWEEP_EVERY - 1; i++) {
            limits.admit(JobId.random());
        }
        assertThat(limits.trackedJobs()).isEqualTo(ReportLimits.SWEEP_EVERY - 1);
        now.addAndGet(Duration.ofSeconds(1).toNanos());

        limits.admit(job);

        assertThat(limits.trackedJobs()).isEqualTo(1);
    }
}
