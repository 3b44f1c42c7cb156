package io.jobpulse.metrics;

import io.jobpulse.config.JobPulseConfig;
import io.jobpulse.protocol.ProblemDetails;
import io.prometheus.metrics.expositionformats.ExpositionFormatWriter;
import io.prometheus.metrics.expositionformats.OpenMetricsTextFormatWriter;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import jakarta.inject.Inject;
import jakarta.servlet.annotation.WebServlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Optional;

/**
 * {@code GET /jobpulse/metrics}: every meter of this node ({@link NodeMetrics#registry()}) in the Prometheus text
 * format, or in OpenMetrics when the scraper asks for it ({@code Accept: application/openmetrics-text}), as Prometheus
 * does. A scrape reads counters and gauges held in memory: no query of the store. Who may scrape is a setting
 * ({@link io.jobpulse.config.MetricsSettings}): with {@code jobpulse.metrics.token} a scrape needs {@code
 * Authorization: Bearer <token>} (else 401); with {@code jobpulse.metrics.open} (or in dev mode) anyone who reaches the
 * node may; with neither, every scrape is refused (403), so that no deployment shows its figures by default.
 *
 * <p>A servlet, like the health probes and for the same reasons (outside the API's JAX-RS application and its API
 * keys; no dependency on the JAX-RS runtime).
 */
@WebServlet(urlPatterns = MetricsServlet.PATH)
public class MetricsServlet extends HttpServlet {

    static final String PATH = "/metrics";
    static final String OPENMETRICS = "application/openmetrics-text";

    @Inject
    NodeMetrics metrics;

    @Inject
    JobPulseConfig config;

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
        Optional<ProblemDetails> refused = refusal(request.getHeader("Authorization"));
        if (refused.isPresent()) {
            byte[] body = refused.get().json().getBytes(StandardCharsets.UTF_8);
            response.setStatus(refused.get().status());
            if (refused.get().status() == HttpServletResponse.SC_UNAUTHORIZED) {
                response.setHeader("WWW-Authenticate", "Bearer realm=\"jobpulse-metrics\"");
            }
            response.setContentType(ProblemDetails.MEDIA_TYPE);
            response.setContentLength(body.length);
            response.getOutputStream().write(body);
            return;
        }
        String accept = request.getHeader("Accept");
        ExpositionFormatWriter writer = accept != null && accept.contains(OPENMETRICS)
                ? OpenMetricsTextFormatWriter.create()
                : PrometheusTextFormatWriter.create();
        ByteArrayOutputStream text = new ByteArrayOutputStream(16 * 1024);
        writer.write(text, metrics.registry().scrape());
        response.setStatus(HttpServletResponse.SC_OK);
        response.setHeader("Cache-Control", "no-store");
        response.setContentType(writer.getContentType());
        response.setContentLength(text.size());
        text.writeTo(response.getOutputStream());
    }

    /** Why a scrape with this {@code Authorization} header may not see the meters, if it may not. */
    Optional<ProblemDetails> refusal(String authorization) {
        if (config.metrics().open() || config.dev()) {
            return Optional.empty();
        }
        Optional<String> token = config.metrics().token();
        if (token.isEmpty()) {
            return Optional.of(ProblemDetails.of(
                    403,
                    "Forbidden",
                    "Metrics are off on this node: set jobpulse.metrics.token (scrapes then send it as a bearer"
                            + " token) or jobpulse.metrics.open=true."));
        }
        String expected = "Bearer " + token.get();
        boolean matches = authorization != null
                && MessageDigest.isEqual(
                        authorization.getBytes(StandardCharsets.UTF_8), expected.getBytes(StandardCharsets.UTF_8));
        return matches
                ? Optional.empty()
                : Optional.of(ProblemDetails.of(
                        401, "Unauthorized", "A scrape needs Authorization: Bearer <jobpulse.metrics.token>."));
    }
}
