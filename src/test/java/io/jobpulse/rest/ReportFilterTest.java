package io.jobpulse.rest;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Which requests {@link ReportFilter} serves itself and which it leaves to JAX-RS: only the plain shape of a report;
 * anything JAX-RS answers differently (another method, content type or {@code Accept}, an escaped or odd path) goes on.
 * What it answers is the same {@link ReportIntake}'s, shown on every server by the integration tests.
 */
class ReportFilterTest {

    private static final String JOB = "abcdefghijABCDEFGHIJ-_";
    private static final String PATH = "/jobpulse/api/jobs/" + JOB + "/reports";

    @ParameterizedTest(name = "{0} {1} [{2}] [{3}] -> {4}")
    @CsvSource(
            delimiter = '|',
            nullValues = "null",
            value = {
                "POST | " + PATH + " | application/json | null | true",
                "POST | " + PATH + " | application/json; charset=utf-8 | null | true",
                "POST | " + PATH + " | Application/JSON | application/json | true",
                "POST | " + PATH + " | application/json | */* | true",
                "POST | " + PATH + " | application/json | text/html, application/* | true",
                "POST | " + PATH + " | application/json | text/html;q=0.9, application/json;q=0.5 | true",
                "POST | /jobpulse/api/jobs/not-an-id/reports | application/json | null | true",
                "GET | " + PATH + " | application/json | null | false",
                "PUT | " + PATH + " | application/json | null | false",
                "POST | " + PATH + " | text/plain | null | false",
                "POST | " + PATH + " | null | null | false",
                "POST | " + PATH + " | application/jsonx | null | false",
                "POST | " + PATH + " | application/json | text/html | false",
                "POST | " + PATH + " | application/json | application/json;q=0 | false",
                "POST | " + PATH + " | application/json | application/json; q=0.000 | false",
                "POST | " + PATH + "/ | application/json | null | false",
                "POST | " + PATH + "x | application/json | null | false",
                "POST | /jobpulse/api/jobs/" + JOB + " | application/json | null | false",
                "POST | /jobpulse/api/jobs//reports | application/json | null | false",
                "POST | /jobpulse/api/jobs/a/b/reports | application/json | null | false",
                "POST | /jobpulse/api/jobs/" + JOB + ";x=1/reports | application/json | null | false",
                "POST | /jobpulse/api/jobs/%41bcdefghijABCDEFGHIJ-_/reports | application/json | null | false",
                "POST | /jobpulse/api/jobs | application/json | null | false",
                "POST | /other/api/jobs/" + JOB + "/reports | application/json | null | false",
                "POST | /jobpulse/ws | application/json | null | false"
            })
    void servesOnlyThePlainShapeOfAReport(
            String method, String uri, String contentType, String accept, boolean served) {
        assertThat(ReportFilter.plainReport(method, "/jobpulse", uri, contentType, accept)
                        .isPresent())
                .isEqualTo(served);
    }

    @ParameterizedTest
    @CsvSource({"/jobpulse", "''"})
    void theJobIsThePathSegmentUnderTheContextPath(String contextPath) {
        assertThat(ReportFilter.plainReport(
                        "POST", contextPath, contextPath + "/api/jobs/" + JOB + "/reports", "application/json", null))
                .hasValue(JOB);
    }
}
