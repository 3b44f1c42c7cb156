package io.jobpulse.rest;

import io.jobpulse.http.ApiProblem;
import io.jobpulse.http.Problems;
import io.jobpulse.store.StoreUnavailableException;
import jakarta.inject.Inject;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.annotation.WebFilter;
import jakarta.servlet.http.HttpFilter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Optional;

/**
 * Serves {@code POST /api/jobs/{id}/reports} in the WAR without the JAX-RS runtime. Reports are the API's most frequent
 * request by far (a thousand workers reporting ten times a second are 10 000 a second), and the benchmark's profile of
 * one put half of a report's server CPU in JAX-RS's routing, injection and response writing, against a sixth in
 * JobPulse's own work. The filter takes only the plain shape: {@code POST}, exactly {@code /api/jobs/<id>/reports}
 * (nothing escaped, no path parameters), a JSON body and an {@code Accept} that allows JSON. Anything else goes on to
 * {@link ReportsResource}, whose JAX-RS runtime answers it as before (405, 415, 406); both hand the report to
 * {@link ReportIntake}, so the answers and refusals are the same whichever layer served it.
 */
@WebFilter(urlPatterns = "/api/jobs/*", asyncSupported = true)
public class ReportFilter extends HttpFilter {

    /** The JAX-RS application's path ({@code JobPulseApplication}) and the reports' place under it. */
    static final String PREFIX = "/api/jobs/";

    static final String SUFFIX = "/reports";
    private static final String JSON = "application/json";

    @Inject
    ReportIntake intake;

    @Override
    protected void doFilter(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws IOException, ServletException {
        Optional<String> job = plainReport(
                request.getMethod(),
                request.getContextPath(),
                request.getRequestURI(),
                request.getContentType(),
                request.getHeader("Accept"));
        if (job.isEmpty()) {
            chain.doFilter(request, response);
            return;
        }
        long length = request.getContentLengthLong();
        String answer;
        try {
            answer = intake.report(
                    job.get(),
                    request.getHeader("Authorization"),
                    request.getInputStream(),
                    length >= 0 ? Optional.of(length) : Optional.empty());
        } catch (ApiProblem problem) {
            Problems.write(problem, response);
            return;
        } catch (StoreUnavailableException e) {
            Problems.write(Problems.storeUnavailable(e), response);
            return;
        } catch (RuntimeException e) {
            Problems.write(Problems.unexpected(e), response);
            return;
        }
        byte[] body = answer.getBytes(StandardCharsets.UTF_8);
        response.setStatus(HttpServletResponse.SC_OK);
        response.setContentType(JSON);
        response.setContentLength(body.length);
        response.getOutputStream().write(body);
    }

    /**
     * The job's path segment when the request is a report in the plain shape this filter serves; empty for anything
     * that JAX-RS should answer.
     */
    static Optional<String> plainReport(
            String method, String contextPath, String requestUri, String contentType, String accept) {
        if (!"POST".equals(method) || requestUri == null || !requestUri.startsWith(contextPath + PREFIX)) {
            return Optional.empty();
        }
        String rest = requestUri.substring(contextPath.length() + PREFIX.length());
        if (!rest.endsWith(SUFFIX)) {
            return Optional.empty();
        }
        String job = rest.substring(0, rest.length() - SUFFIX.length());
        boolean plainSegment = !job.isEmpty() && job.chars().noneMatch(c -> c == '/' || c == ';' || c == '%');
        if (!plainSegment || !isJson(contentType) || !acceptsJson(accept)) {
            return Optional.empty();
        }
        return Optional.of(job);
    }

    /** {@code application/json}, parameters such as {@code charset} allowed, as {@code @Consumes} matches it. */
    private static boolean isJson(String contentType) {
        return contentType != null && mediaType(contentType).equals(JSON);
    }

    /** No {@code Accept}, or one listing JSON or a wildcard that covers it, without {@code q=0}. */
    private static boolean acceptsJson(String accept) {
        if (accept == null || accept.isBlank()) {
            return true;
        }
        for (String range : accept.split(",")) {
            String type = mediaType(range);
            boolean covers = type.equals(JSON) || type.equals("application/*") || type.equals("*/*");
            if (covers && !refused(range)) {
                return true;
            }
        }
        return false;
    }

    private static boolean refused(String range) {
        for (String parameter : range.split(";")) {
            String p = parameter.replace(" ", "").toLowerCase(Locale.ROOT);
            if (p.startsWith("q=")) {
                return p.substring(2).matches("0(\\.0{0,3})?");
            }
        }
        return false;
    }

    private static String mediaType(String value) {
        int semicolon = value.indexOf(';');
        return (semicolon < 0 ? value : value.substring(0, semicolon)).trim().toLowerCase(Locale.ROOT);
    }
}
