package io.jobpulse.fallback;

import io.jobpulse.http.ApiProblem;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;

/**
 * One job a fallback request watches, from a {@code watch=<jobId>:<token>[:<since>]} query parameter.
 * Tokens are base64url and dots, so the colon separates unambiguously.
 */
record WatchRequest(String job, String token, OptionalLong since) {

    static final int MAX_WATCHES = 100;

    /** Parses every {@code watch} parameter; 400 for none, too many, duplicates or a malformed one. */
    static List<WatchRequest> parseAll(List<String> values) {
        if (values == null || values.isEmpty()) {
            throw ApiProblem.badRequest("Name at least one job: watch=<jobId>:<token>[:<since>].");
        }
        if (values.size() > MAX_WATCHES) {
            throw ApiProblem.badRequest("At most " + MAX_WATCHES + " watch parameters per request.");
        }
        Map<String, WatchRequest> byJob = new LinkedHashMap<>();
        for (String value : values) {
            WatchRequest request = parse(value);
            if (byJob.putIfAbsent(request.job(), request) != null) {
                throw ApiProblem.badRequest("Each job may be watched once per request.");
            }
        }
        return new ArrayList<>(byJob.values());
    }

    static WatchRequest parse(String value) {
        String[] parts = value.split(":", -1);
        if (value.length() > 1200 || parts.length < 2 || parts.length > 3 || parts[0].isEmpty() || parts[1].isEmpty()) {
            throw ApiProblem.badRequest("A watch parameter is <jobId>:<token>[:<since>].");
        }
        return new WatchRequest(parts[0], parts[1], parts.length == 3 ? since(parts[2]) : OptionalLong.empty());
    }

    /** A non-negative sequence number; 400 otherwise. */
    static OptionalLong since(String text) {
        if (text == null || text.isEmpty()) {
            return OptionalLong.empty();
        }
        try {
            long value = Long.parseLong(text);
            if (value >= 0) {
                return OptionalLong.of(value);
            }
        } catch (NumberFormatException e) {
            // answered below
        }
        throw ApiProblem.badRequest("since must be a non-negative integer.");
    }
}
