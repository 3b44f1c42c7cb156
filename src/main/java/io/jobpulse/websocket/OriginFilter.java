package io.jobpulse.websocket;

import io.jobpulse.security.OriginPolicy;
import jakarta.inject.Inject;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.annotation.WebFilter;
import jakarta.servlet.http.HttpFilter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.logging.Logger;

/**
 * Refuses WebSocket handshakes from foreign origins with HTTP 403 before the container upgrades the connection:
 * the containers themselves accept any origin. See {@link OriginPolicy} for the rule.
 */
@WebFilter(urlPatterns = "/ws", asyncSupported = true)
public class OriginFilter extends HttpFilter {

    private static final Logger LOG = Logger.getLogger(OriginFilter.class.getName());

    @Inject
    OriginPolicy policy;

    @Override
    protected void doFilter(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws IOException, ServletException {
        String origin = request.getHeader("Origin");
        if (!policy.permits(origin, request.getHeader("Host"))) {
            LOG.info(() -> "Refused WebSocket handshake from origin " + abbreviate(origin)
                    + " (not the page's own origin nor in jobpulse.allowed-origins)");
            response.setStatus(HttpServletResponse.SC_FORBIDDEN);
            response.setContentType("application/problem+json");
            response.getOutputStream().write(("{\"type\":\"about:blank\",\"title\":\"Forbidden\",\"status\":403,"
                    + "\"detail\":\"This origin may not open a JobPulse WebSocket.\"}").getBytes(StandardCharsets.UTF_8));
            return;
        }
        chain.doFilter(request, response);
    }

    private static String abbreviate(String origin) {
        String safe = origin.replaceAll("[^\\x20-\\x7e]", "?");
        return safe.length() > 100 ? safe.substring(0, 100) + "..." : safe;
    }
}
