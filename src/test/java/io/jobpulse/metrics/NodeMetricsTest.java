package io.jobpulse.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.prometheus.metrics.expositionformats.OpenMetricsTextFormatWriter;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The node's counters as Prometheus exposes them, and as {@code GET /api/node} reads them: one set of meters. */
class NodeMetricsTest {

    private final NodeMetrics metrics = new NodeMetrics();

    @Test
    void everyCounterIsExposedUnderItsNameAndLabelAndCountsWhatApiNodeReads() throws IOException {
        metrics.increment(Counter.WS_CLOSED_LAGGING);
        metrics.increment(Counter.WS_CLOSED_LAGGING);
        metrics.add(Counter.REST_REPORTS_REFUSED, 5);
        metrics.increment(Counter.JOBS_WORKER_LOST);

        List<String> lines = prometheusText();

        assertThat(lines)
                .contains(
                        "jobpulse_websocket_closes_total{reason=\"lagging\"} 2.0",
                        "jobpulse_websocket_closes_total{reason=\"idle\"} 0.0",
                        "jobpulse_refusals_total{limit=\"report_rate\"} 5.0",
                        "jobpulse_jobs_worker_lost_total 1.0",
                        "# TYPE jobpulse_refusals_total counter");
        assertThat(metrics.get(Counter.WS_CLOSED_LAGGING)).isEqualTo(2);
        assertThat(metrics.get(Counter.REST_REPORTS_REFUSED)).isEqualTo(5);
        assertThat(metrics.get(Counter.WS_CLOSED_IDLE)).isZero();
    }

    @Test
    void eachCounterIsOneSeriesOfItsOwnAndEveryFamilyHasHelp() throws IOException {
        List<String> lines = prometheusText();

        long series = lines.stream()
                .filter(l -> l.startsWith("jobpulse_") && l.contains("_total"))
                .count();
        assertThat(series).isEqualTo(Counter.values().length);
        for (Counter c : Counter.values()) {
            assertThat(lines).anyMatch(l -> l.startsWith("# HELP " + c.metric() + "_total ") && l.length() > 40);
        }
    }

    @Test
    void openMetricsIsWrittenTooEndingWithEof() throws IOException {
        metrics.increment(Counter.RUNS_LOST);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        OpenMetricsTextFormatWriter.create().write(out, metrics.registry().scrape());

        List<String> lines = Arrays.asList(out.toString(StandardCharsets.UTF_8).split("\n"));

        assertThat(lines).contains("jobpulse_runs_lost_total 1.0", "# TYPE jobpulse_runs_lost counter");
        assertThat(lines.get(lines.size() - 1)).isEqualTo("# EOF");
    }

    @Test
    void twoNodesInOneJvmCountApart() {
        NodeMetrics other = new NodeMetrics();
        metrics.increment(Counter.RUNS_LOST);

        assertThat(other.get(Counter.RUNS_LOST)).isZero();
    }

    private List<String> prometheusText() throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        PrometheusTextFormatWriter.create().write(out, metrics.registry().scrape());
        return Arrays.asList(out.toString(StandardCharsets.UTF_8).split("\n"));
    }
}
