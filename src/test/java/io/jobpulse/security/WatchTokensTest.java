package io.jobpulse.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

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

class WatchTokensTest {

    private static final byte[] SECRET = "0123456789abcdef0123456789abcdef".getBytes(StandardCharsets.UTF_8);
    private static final byte[] OTHER_SECRET = "fedcba9876543210fedcba9876543210".getBytes(StandardCharsets.UTF_8);
    private static final Instant NOW = Instant.parse("2025-03-01T12:00:00Z");
    private static final Duration TTL = Duration.ofHours(1);
    private static final JobId JOB = new JobId("AAAAAAAAAAAAAAAAAAAAAA");
    private static final JobId OTHER_JOB = new JobId("BBBBBBBBBBBBBBBBBBBBBB");

    private static WatchTokens tokensAt(Instant instant) {
        return new WatchTokens(SECRET, TTL, Clock.fixed(instant, ZoneOffset.UTC));
    }

    private static final WatchTokens TOKENS = tokensAt(NOW);

    @Test
    void issuedTokenGrantsItsJob() {
        String token = TOKENS.issue(JOB);

        assertThat(TOKENS.grants(token, JOB)).isTrue();
    }

    @Test
    void tokenHasVersionJobExpiryAndSignature() {
        String token = TOKENS.issue(JOB);

        assertThat(token.split("\\.")).hasSize(4).satisfies(parts -> {
            assertThat(parts[0]).isEqualTo("v1");
            assertThat(parts[1]).isEqualTo(JOB.value());
            assertThat(parts[2]).isEqualTo(Long.toString(NOW.plus(TTL).getEpochSecond()));
            assertThat(parts[3]).matches("[A-Za-z0-9_-]{43}");
        });
    }

    @Test
    void tokenDoesNotGrantAnotherJob() {
        String token = TOKENS.issue(JOB);

        assertThat(TOKENS.grants(token, OTHER_JOB)).isFalse();
    }

    @Test
    void tokenWithJobSwappedIsRefused() {
        String token = TOKENS.issue(JOB);
        String swapped = token.replace(JOB.value(), OTHER_JOB.value());

        assertThat(TOKENS.grants(swapped, OTHER_JOB)).isFalse();
    }

    @Test
    void tamperedSignatureIsRefused() {
        String token = TOKENS.issue(JOB);
        int last = token.length() - 1;
        String tampered = token.substring(0, last) + (token.charAt(last) == 'A' ? 'B' : 'A');

        assertThat(TOKENS.grants(tampered, JOB)).isFalse();
    }

    @Test
    void tokenWithoutSignatureIsRefused() {
        String token = TOKENS.issue(JOB);

        assertThat(TOKENS.grants(token.substring(0, token.lastIndexOf('.') + 1), JOB))
                .isFalse();
        assertThat(TOKENS.grants(token.substring(0, token.lastIndexOf('.')), JOB))
                .isFalse();
    }

    @Test
    void extendedExpiryIsRefused() {
        String token = TOKENS.issue(JOB);
        String expiry = Long.toString(NOW.plus(TTL).getEpochSecond());
        String later = token.replace("." + expiry + ".", "." + (Long.parseLong(expiry) + 86_400) + ".");

        assertThat(later).isNotEqualTo(token);
        assertThat(TOKENS.grants(later, JOB)).isFalse();
    }

    @Test
    void tokenIsValidUntilJustBeforeItsExpiry() {
        String token = TOKENS.issue(JOB);

        assertThat(tokensAt(NOW.plus(TTL).minusSeconds(1)).grants(token, JOB)).isTrue();
    }

    @Test
    void expiredTokenIsRefused() {
        String token = TOKENS.issue(JOB);

        assertThat(tokensAt(NOW.plus(TTL)).grants(token, JOB)).isFalse();
        assertThat(tokensAt(NOW.plus(TTL).plusSeconds(1)).grants(token, JOB)).isFalse();
        assertThat(tokensAt(NOW.plus(Duration.ofDays(365))).grants(token, JOB)).isFalse();
    }

    @Test
    void tokenSignedWithAnotherSecretIsRefused() {
        WatchTokens other = new WatchTokens(OTHER_SECRET, TTL, Clock.fixed(NOW, ZoneOffset.UTC));

        assertThat(TOKENS.grants(other.issue(JOB), JOB)).isFalse();
        assertThat(other.grants(TOKENS.issue(JOB), JOB)).isFalse();
    }

    @Test
    void sameSecretOnAnotherNodeAcceptsTheToken() {
        WatchTokens otherNode = new WatchTokens(SECRET.clone(), TTL, Clock.fixed(NOW.plusSeconds(5), ZoneOffset.UTC));

        assertThat(otherNode.grants(TOKENS.issue(JOB), JOB)).isTrue();
    }

    @Test
    void changingTheSecretArrayAfterConstructionDoesNotChangeTheKey() {
        byte[] secret = SECRET.clone();
        WatchTokens tokens = new WatchTokens(secret, TTL, Clock.fixed(NOW, ZoneOffset.UTC));
        String token = tokens.issue(JOB);

        secret[0] ^= 0x55;

        assertThat(tokens.grants(token, JOB)).isTrue();
    }

    @ParameterizedTest
    @NullAndEmptySource
    @ValueSource(
            strings = {
                "garbage",
                ".",
                "...",
                "....",
                "v1.AAAAAAAAAAAAAAAAAAAAAA.99999999999.x",
                "v1.AAAAAAAAAAAAAAAAAAAAAA.notanumber.x",
                "v2.AAAAAAAAAAAAAAAAAAAAAA.1740834000.abc"
            })
    void garbageTokensAreRefused(String token) {
        assertThat(TOKENS.grants(token, JOB)).isFalse();
    }

    @Test
    void tokenWithWrongVersionIsRefusedEvenWhenOtherwiseIntact() {
        String token = TOKENS.issue(JOB);

        assertThat(TOKENS.grants("v2" + token.substring(2), JOB)).isFalse();
    }

    @Test
    void hugeTokenIsRefused() {
        String token = TOKENS.issue(JOB);

        assertThat(TOKENS.grants(token + "A".repeat(100_000), JOB)).isFalse();
        assertThat(TOKENS.grants("v1." + "A".repeat(1_000_000), JOB)).isFalse();
    }

    @Test
    void tokenWithExtraPartsIsRefused() {
        String token = TOKENS.issue(JOB);

        assertThat(TOKENS.grants("x." + token, JOB)).isFalse();
        assertThat(TOKENS.grants(token + ".x", JOB)).isFalse();
    }

    @Test
    void secretShorterThan16BytesIsRejected() {
        assertThatIllegalArgumentException().isThrownBy(() -> new WatchTokens(new byte[15], TTL, Clock.systemUTC()));
    }

    @Test
    void secretOf16BytesIsAccepted() {
        WatchTokens tokens = new WatchTokens(new byte[16], TTL, Clock.fixed(NOW, ZoneOffset.UTC));

        assertThat(tokens.grants(tokens.issue(JOB), JOB)).isTrue();
    }
}
