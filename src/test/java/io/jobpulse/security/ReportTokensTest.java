package io.jobpulse.security;

import static org.assertj.core.api.Assertions.assertThat;

import io.jobpulse.job.JobId;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.NullAndEmptySource;
import org.junit.jupiter.params.provider.ValueSource;

class ReportTokensTest {

    private static final byte[] SECRET = "0123456789abcdef0123456789abcdef".getBytes(StandardCharsets.UTF_8);
    private static final byte[] OTHER_SECRET = "fedcba9876543210fedcba9876543210".getBytes(StandardCharsets.UTF_8);
    private static final Instant NOW = Instant.parse("2025-03-01T12:00:00Z");
    private static final Duration TTL = Duration.ofHours(1);
    private static final JobId JOB = new JobId("AAAAAAAAAAAAAAAAAAAAAA");
    private static final JobId OTHER_JOB = new JobId("BBBBBBBBBBBBBBBBBBBBBB");

    private static final ReportTokens REPORTS = reportTokensAt(NOW);
    private static final WatchTokens WATCHES = new WatchTokens(SECRET, TTL, Clock.fixed(NOW, ZoneOffset.UTC));

    private static ReportTokens reportTokensAt(Instant instant) {
        return new ReportTokens(SECRET, TTL, Clock.fixed(instant, ZoneOffset.UTC));
    }

    @Test
    void anIssuedTokenGrantsReportingItsJobAndNoOther() {
        String token = REPORTS.issue(JOB);

        assertThat(REPORTS.grants(token, JOB)).isTrue();
        assertThat(REPORTS.grants(token, OTHER_JOB)).isFalse();
        assertThat(REPORTS.grants(token.replace(JOB.value(), OTHER_JOB.value()), OTHER_JOB))
                .isFalse();
    }

    @Test
    void aTokenHasItsKindJobExpiryAndSignature() {
        assertThat(REPORTS.issue(JOB).split("\\.")).hasSize(4).satisfies(parts -> {
            assertThat(parts[0]).isEqualTo("r1");
            assertThat(parts[1]).isEqualTo(JOB.value());
            assertThat(parts[2]).isEqualTo(Long.toString(NOW.plus(TTL).getEpochSecond()));
            assertThat(parts[3]).matches("[A-Za-z0-9_-]{43}");
        });
    }

    @Test
    void aWatchTokenNeverReportsAndAReportTokenNeverWatchesThoughTheyShareTheSecret() {
        String watch = WATCHES.issue(JOB);
        String report = REPORTS.issue(JOB);

        assertThat(REPORTS.grants(watch, JOB)).isFalse();
        assertThat(WATCHES.grants(report, JOB)).isFalse();
        assertThat(REPORTS.grants("r1" + watch.substring(2), JOB))
                .as("a watch token relabelled: the kind is signed")
                .isFalse();
        assertThat(WATCHES.grants("v1" + report.substring(2), JOB)).isFalse();
    }

    @Test
    void anExpiredOrForeignOrTamperedTokenIsRefused() {
        String token = REPORTS.issue(JOB);
        int last = token.length() - 1;

        assertThat(reportTokensAt(NOW.plus(TTL)).grants(token, JOB))
                .as("expired")
                .isFalse();
        assertThat(reportTokensAt(NOW.plus(TTL).minusSeconds(1)).grants(token, JOB))
                .isTrue();
        assertThat(new ReportTokens(OTHER_SECRET, TTL, Clock.fixed(NOW, ZoneOffset.UTC)).grants(token, JOB))
                .as("signed with another secret")
                .isFalse();
        assertThat(REPORTS.grants(token.substring(0, last) + (token.charAt(last) == 'A' ? 'B' : 'A'), JOB))
                .as("tampered")
                .isFalse();
        assertThat(REPORTS.grants(token.replace("." + NOW.plus(TTL).getEpochSecond() + ".", ".99999999999."), JOB))
                .as("expiry pushed back")
                .isFalse();
    }

    @Test
    void authorizeReadsABearerReportTokenForThePathsJob() {
        String token = REPORTS.issue(JOB);

        assertThat(REPORTS.authorize(JOB.value(), "Bearer " + token)).contains(JOB);
        assertThat(REPORTS.authorize(JOB.value(), "bearer  " + token + " ")).contains(JOB);
        assertThat(REPORTS.authorize(OTHER_JOB.value(), "Bearer " + token)).isEmpty();
        assertThat(REPORTS.authorize("not-a-job-id", "Bearer " + token)).isEmpty();
        assertThat(REPORTS.authorize(JOB.value(), token)).as("no scheme").isEmpty();
        assertThat(REPORTS.authorize(JOB.value(), "Basic " + token)).isEmpty();
        assertThat(REPORTS.authorize(JOB.value(), "Bearer " + WATCHES.issue(JOB)))
                .isEmpty();
    }

    @ParameterizedTest
    @NullAndEmptySource
    @ValueSource(strings = {"Bearer", "Bearer ", "Bearer r1", "Bearer ....", "Bearer r1.AAAAAAAAAAAAAAAAAAAAAA.1.x"})
    void malformedAuthorizationIsRefused(String authorization) {
        assertThat(REPORTS.authorize(JOB.value(), authorization)).isEmpty();
    }
}
