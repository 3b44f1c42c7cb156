package io.jobpulse.health;

import io.jobpulse.protocol.HealthJson;
import jakarta.inject.Inject;
import jakarta.servlet.annotation.WebServlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * The probes for load balancers and orchestrators, without an API key (docs/api.md):
 * {@code GET /jobpulse/health/live} answers 200 {@code {"status":"UP"}} whenever the application answers at all;
 * {@code GET /jobpulse/health/ready} answers 200 when {@link Readiness} says every check passes, else 503, with each
 * check by name. Never cached ({@code Cache-Control: no-store}).
 *
 * <p>A servlet rather than a JAX-RS resource: JAX-RS is mounted at {@code /api} (where every resource but the job
 * types needs a key), and a second JAX-RS application at {@code /health} would, on every implementation, serve every
 * resource it finds unless it listed its classes, and the API's providers would then have to be listed too. The
 * servlet container is the part all three servers share, and a probe then does not depend on the JAX-RS runtime.
 */
@WebServlet(urlPatterns = {HealthServlet.LIVE, HealthServlet.READY})
public class HealthServlet extends HttpServlet {

    static final String LIVE = "/health/live";
    static final String READY = "/health/ready";

    @Inject
    Readiness readiness;

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
        answer(request, response, true);
    }

    /**
     * The same status and headers without a body, written here rather than left to {@link HttpServlet}'s default,
     * which runs {@code doGet} and relies on the container to drop the body: Payara Micro sent it anyway.
     */
    @Override
    protected void doHead(HttpServletRequest request, HttpServletResponse response) throws IOException {
        answer(request, response, false);
    }

    private void answer(HttpServletRequest request, HttpServletResponse response, boolean withBody) throws IOException {
        if (LIVE.equals(request.getServletPath())) {
            write(response, HttpServletResponse.SC_OK, HealthJson.live(), withBody);
            return;
        }
        Readiness.Checks checks = readiness.checks();
        write(
                response,
                checks.ready() ? HttpServletResponse.SC_OK : HttpServletResponse.SC_SERVICE_UNAVAILABLE,
                HealthJson.ready(checks.byName()),
                withBody);
    }

    private static void write(HttpServletResponse response, int status, String json, boolean withBody)
            throws IOException {
        byte[] body = json.getBytes(StandardCharsets.UTF_8);
        response.setStatus(status);
        response.setHeader("Cache-Control", "no-store");
        response.setContentType("application/json");
        response.setCharacterEncoding(StandardCharsets.UTF_8.name());
        response.setContentLength(body.length);
        if (withBody) {
            response.getOutputStream().write(body);
        }
    }
}
