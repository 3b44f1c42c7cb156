package io.jobpulse.rest;

import io.jobpulse.http.ApiProblem;
import io.jobpulse.job.JobId;
import io.jobpulse.job.JobState;
import io.jobpulse.json.Jsonp;
import io.jobpulse.store.JobFilter;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The query of {@code GET /api/admin/jobs}, checked: a bad value is a 400 problem whose {@code parameter} member names
 * the query parameter (docs/api.md, "Admin API").
 *
 * @param filter the filters, combined with AND; {@code q} is a name search here unless it is a job id
 * @param id     the job id {@code q} is, when it is one: the listing is that job alone (when the filters admit it)
 * @param limit  the page size
 * @param cursor the cursor of the previous page
 */
record AdminJobQuery(JobFilter filter, Optional<JobId> id, int limit, Optional<Long> cursor) {

    static final int MAX_SEARCH = 200;
    private static final Pattern CLIENT = Pattern.compile("[A-Za-z0-9._@-]{1,64}");
    private static final Pattern TYPE = Pattern.compile("[\\x21-\\x7e]{1,100}");

    static AdminJobQuery parse(
            String state, String type, String client, String from, String to, String q, String cursor, String limit) {
        Optional<Instant> after = present(from).map(text -> instant("from", text));
        Optional<Instant> before = present(to).map(text -> instant("to", text));
        if (after.isPresent() && before.isPresent() && !before.get().isAfter(after.get())) {
            throw bad("to", "to must be later than from.");
        }
        Optional<String> search = present(q).map(String::trim).filter(text -> !text.isEmpty());
        if (search.isPresent() && search.get().length() > MAX_SEARCH) {
            throw bad("q", "q must have at most " + MAX_SEARCH + " characters.");
        }
        Optional<JobId> id = search.flatMap(JobId::parse);
        JobFilter filter = new JobFilter(
                present(state).map(AdminJobQuery::state),
                present(type).map(text -> matching("type", text, TYPE, "1..100 printable characters")),
                present(client).map(text -> matching("client", text, CLIENT, "an API client's name")),
                after,
                before,
                id.isPresent() ? Optional.empty() : search);
        int size = limit == null ? JobsResource.DEFAULT_LIMIT : size(limit);
        return new AdminJobQuery(filter, id, size, Optional.ofNullable(cursor).map(AdminJobQuery::cursor));
    }

    private static Optional<String> present(String value) {
        return Optional.ofNullable(value).filter(text -> !text.isEmpty());
    }

    private static JobState state(String text) {
        try {
            return JobState.valueOf(text.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw bad("state", "state must be one of QUEUED, RUNNING, SUCCEEDED, FAILED, CANCELLED.");
        }
    }

    private static String matching(String parameter, String text, Pattern pattern, String expected) {
        if (!pattern.matcher(text).matches()) {
            throw bad(parameter, parameter + " must be " + expected + ".");
        }
        return text;
    }

    private static Instant instant(String parameter, String text) {
        try {
            return Instant.parse(text);
        } catch (DateTimeParseException e) {
            throw bad(parameter, parameter + " must be an ISO-8601 instant such as 2026-12-05T07:30:00Z.");
        }
    }

    private static int size(String text) {
        try {
            int value = Integer.parseInt(text);
            if (value >= 1 && value <= JobsResource.MAX_LIMIT) {
                return value;
            }
        } catch (NumberFormatException e) {
            // answered below, as for an integer out of range
        }
        throw bad("limit", "limit must be an integer between 1 and " + JobsResource.MAX_LIMIT + ".");
    }

    private static long cursor(String text) {
        try {
            return JobsResource.decodeCursor(text);
        } catch (ApiProblem e) {
            throw bad("cursor", e.getMessage());
        }
    }

    private static ApiProblem bad(String parameter, String detail) {
        return new ApiProblem(
                400,
                "Bad Request",
                detail,
                Jsonp.PROVIDER.createObjectBuilder().add("parameter", parameter).build());
    }
}
