package io.jobpulse.websocket;

import io.jobpulse.metrics.Counter;
import io.jobpulse.metrics.NodeMetrics;
import io.jobpulse.protocol.ProblemDetails;
import io.jobpulse.security.OriginPolicy;
import jakarta.inject.Inject;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.annotation.WebFilter;
import jakarta.servlet.http.HttpFilter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Enumeration;
import java.util.List;
import java.util.Optional;
import java.util.logging.Logger;

/**
 * Screens WebSocket handshakes before the container upgrades the connection: foreign origins get HTTP 403 (the
 * containers accept any origin; see {@link OriginPolicy}), and a full node (503) or remote address (429) gets a
 * refusal with {@code Retry-After}. What passes is counted against those limits from now on (given back if the
 * container does not upgrade it) and carries its remote address to the endpoint in the
 * {@value #REMOTE_ADDRESS} header, which replaces any the client sent.
 */
@WebFilter(urlPatterns = "/ws", asyncSupported = true)
public class HandshakeFilter extends HttpFilter {

    static final String REMOTE_ADDRESS = "X-JobPulse-Remote-Address";

    private static final Logger LOG = Logger.getLogger(HandshakeFilter.class.getName());

    @Inject
    OriginPolicy policy;

    @Inject
    OpenSessions sessions;

    @Inject
    NodeMetrics metrics;

    @Override
    protected void doFilter(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws IOException, ServletException {
        String origin = request.getHeader("Origin");
        if (!policy.permits(origin, request.getHeader("Host"))) {
            LOG.info(() -> "Refused WebSocket handshake from origin " + abbreviate(origin)
                    + " (not the page's own origin nor in jobpulse.allowed-origins)");
            problem(
                    response,
                    HttpServletResponse.SC_FORBIDDEN,
                    "Forbidden",
                    "This origin may not open a JobPulse WebSocket.");
            return;
        }
        String address = request.getRemoteAddr();
        Optional<HandshakeRefusal> refusal = sessions.admit(address);
        if (refusal.isPresent()) {
            HandshakeRefusal r = refusal.get();
            metrics.increment(Counter.WS_HANDSHAKES_REFUSED);
            LOG.warning(() -> "Refused WebSocket handshake from " + address + ": " + r.detail());
            response.setHeader("Retry-After", Integer.toString(r.retryAfterSeconds()));
            problem(response, r.status(), r.title(), r.detail());
            return;
        }
        boolean upgraded = false;
        try {
            chain.doFilter(new WithRemoteAddress(request, address), response);
            upgraded = response.getStatus() == HttpServletResponse.SC_SWITCHING_PROTOCOLS;
        } finally {
            if (!upgraded) {
                sessions.withdraw(address); // refused by the container (bad version, no upgrade header...)
            }
        }
    }

    private static void problem(HttpServletResponse response, int status, String title, String detail)
            throws IOException {
        byte[] body = ProblemDetails.of(status, title, detail).json().getBytes(StandardCharsets.UTF_8);
        response.setStatus(status);
        response.setContentType(ProblemDetails.MEDIA_TYPE);
        response.setContentLength(body.length);
        response.getOutputStream().write(body);
    }

    private static String abbreviate(String origin) {
        String safe = origin.replaceAll("[^\\x20-\\x7e]", "?");
        return safe.length() > 100 ? safe.substring(0, 100) + "..." : safe;
    }

    /** The handshake request with the remote address in {@link #REMOTE_ADDRESS}, for the endpoint configurator. */
    private static final class WithRemoteAddress extends HttpServletRequestWrapper {
        private final String address;

        WithRemoteAddress(HttpServletRequest request, String address) {
            super(request);
            this.address = address;
        }

        @Override
        public String getHeader(String name) {
            return REMOTE_ADDRESS.equalsIgnoreCase(name) ? address : super.getHeader(name);
        }

        @Override
        public Enumeration<String> getHeaders(String name) {
            return REMOTE_ADDRESS.equalsIgnoreCase(name)
                    ? Collections.enumeration(List.of(address))
                    : super.getHeaders(name);
        }

        @Override
        public Enumeration<String> getHeaderNames() {
            List<String> names = new ArrayList<>();
            for (Enumeration<String> e = super.getHeaderNames(); e.hasMoreElements(); ) {
                String n = e.nextElement();
                if (!REMOTE_ADDRESS.equalsIgnoreCase(n)) {
                    names.add(n);
                }
            }
            names.add(REMOTE_ADDRESS);
            return Collections.enumeration(names);
        }
    }
}
