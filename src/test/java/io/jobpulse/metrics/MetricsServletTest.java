package io.jobpulse.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.jobpulse.config.JobPulseConfig;
import io.jobpulse.config.SettingsSource;
import io.jobpulse.protocol.ProblemDetails;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Who may scrape: the settings' rules, each with its answer. */
class MetricsServletTest {

    @Test
    void withNeitherTokenNorOpenEveryScrapeIsRefusedWith403SayingWhatToSet() {
        Optional<ProblemDetails> refused = servlet(Map.of()).refusal("Bearer anything");

        assertThat(refused).hasValueSatisfying(p -> {
            assertThat(p.status()).isEqualTo(403);
            assertThat(p.detail()).contains("jobpulse.metrics.token", "jobpulse.metrics.open");
        });
    }

    @Test
    void withATokenOnlyItsBearerMayScrape() {
        MetricsServlet servlet = servlet(Map.of("jobpulse.metrics.token", "s3cret-scrape"));

        assertThat(servlet.refusal("Bearer s3cret-scrape")).isEmpty();
        assertThat(servlet.refusal("Bearer s3cret-scrapE"))
                .hasValueSatisfying(p -> assertThat(p.status()).isEqualTo(401));
        assertThat(servlet.refusal(null))
                .hasValueSatisfying(p -> assertThat(p.status()).isEqualTo(401));
        assertThat(servlet.refusal("s3cret-scrape")).isPresent();
    }

    @Test
    void openOrDevModeLetsAnyoneScrape() {
        assertThat(servlet(Map.of("jobpulse.metrics.open", "true")).refusal(null))
                .isEmpty();
        assertThat(servlet(Map.of("jobpulse.dev", "true")).refusal(null)).isEmpty();
    }

    private static MetricsServlet servlet(Map<String, String> settings) {
        MetricsServlet servlet = new MetricsServlet();
        servlet.config = JobPulseConfig.from(new SettingsSource(settings::get, key -> null, key -> null));
        servlet.metrics = new NodeMetrics();
        return servlet;
    }
}
