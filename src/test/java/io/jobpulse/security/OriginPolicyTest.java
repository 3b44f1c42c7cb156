package io.jobpulse.security;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class OriginPolicyTest {

    private static final String SERVER_HOST = "jobpulse.example.net";
    private static final OriginPolicy NOTHING_ALLOWED = new OriginPolicy(List.of());
    private static final OriginPolicy APP_ALLOWED = new OriginPolicy(List.of("https://app.example.com"));

    @Test
    void requestWithoutOriginIsAllowed() {
        assertThat(NOTHING_ALLOWED.permits(null, SERVER_HOST)).isTrue();
        assertThat(NOTHING_ALLOWED.permits(null, null)).isTrue();
    }

    @ParameterizedTest(name = "{0} with Host {1}")
    @CsvSource({
        "http://localhost:8080,      localhost:8080",
        "https://jobpulse.example.net, jobpulse.example.net",
        "http://jobpulse.example.net:9000, jobpulse.example.net:9000",
        "HTTP://LOCALHOST:8080,      localhost:8080",
        "http://localhost:8080,      LOCALHOST:8080",
        "http://127.0.0.1:8080,      127.0.0.1:8080",
        "http://[::1]:8080,          [::1]:8080"
    })
    void sameOriginAsHostIsAllowed(String origin, String host) {
        assertThat(NOTHING_ALLOWED.permits(origin, host)).isTrue();
    }

    @ParameterizedTest(name = "{0} with Host {1}")
    @CsvSource({
        "http://localhost:8080,  localhost:9090",
        "http://localhost:8080,  localhost",
        "http://localhost,       localhost:8080",
        "http://evil.com:8080,   localhost:8080",
        "http://localhost.evil.com:8080, localhost:8080",
        "http://evil.localhost:8080, localhost:8080"
    })
    void otherHostOrPortThanHostHeaderIsRefused(String origin, String host) {
        assertThat(NOTHING_ALLOWED.permits(origin, host)).isFalse();
    }

    @ParameterizedTest(name = "{0} with Host {1}")
    @CsvSource({
        "https://example.com,     example.com",
        "https://example.com:443, example.com",
        "https://example.com,     example.com:443",
        "http://example.com,      example.com",
        "http://example.com:80,   example.com",
        "http://example.com,      example.com:80"
    })
    void defaultPortsAreTheSameOrigin(String origin, String host) {
        assertThat(NOTHING_ALLOWED.permits(origin, host)).isTrue();
    }

    @ParameterizedTest(name = "{0} with Host {1}")
    @CsvSource({"http://example.com,      example.com:443", "https://example.com,     example.com:80"})
    void defaultPortOfAnotherSchemeIsNotTheSameOrigin(String origin, String host) {
        assertThat(NOTHING_ALLOWED.permits(origin, host)).isFalse();
    }

    @Test
    void originWithoutHostHeaderNeedsTheAllowedList() {
        assertThat(NOTHING_ALLOWED.permits("http://localhost:8080", null)).isFalse();
        assertThat(APP_ALLOWED.permits("https://app.example.com", null)).isTrue();
    }

    @Test
    void allowedOriginIsAllowedFromAnyHost() {
        assertThat(APP_ALLOWED.permits("https://app.example.com", SERVER_HOST)).isTrue();
    }

    @Test
    void allowedListMatchesIgnoringCaseAndDefaultPort() {
        OriginPolicy policy = new OriginPolicy(List.of("https://App.Example.com:443", "http://dev.example.com:8080"));

        assertThat(policy.permits("https://app.example.com", SERVER_HOST)).isTrue();
        assertThat(policy.permits("https://APP.EXAMPLE.COM:443", SERVER_HOST)).isTrue();
        assertThat(policy.permits("http://dev.example.com:8080", SERVER_HOST)).isTrue();
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "https://app.example.com.evil.com",
                "https://evil-app.example.com",
                "https://evilapp.example.com",
                "https://sub.app.example.com",
                "https://example.com",
                "https://app.example.co",
                "https://app.example.com:8443",
                "https://app.example.com:444"
            })
    void lookAlikesOfAnAllowedOriginAreRefused(String origin) {
        assertThat(APP_ALLOWED.permits(origin, SERVER_HOST)).isFalse();
    }

    @Test
    void schemeMismatchAgainstAllowedListIsRefused() {
        assertThat(APP_ALLOWED.permits("http://app.example.com", SERVER_HOST)).isFalse();
        assertThat(APP_ALLOWED.permits("wss://app.example.com", SERVER_HOST)).isFalse();
        assertThat(APP_ALLOWED.permits("ftp://app.example.com", SERVER_HOST)).isFalse();
    }

    @Test
    void literalNullOriginIsRefused() {
        assertThat(NOTHING_ALLOWED.permits("null", SERVER_HOST)).isFalse();
        assertThat(new OriginPolicy(List.of("null")).permits("null", SERVER_HOST))
                .isFalse();
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "https://app.example.com/",
                "https://app.example.com/path",
                "https://app.example.com?x=1",
                "https://app.example.com#frag",
                "https://user@app.example.com",
                "https://user:pw@app.example.com"
            })
    void originWithPathQueryFragmentOrUserInfoIsRefused(String origin) {
        assertThat(APP_ALLOWED.permits(origin, "app.example.com")).isFalse();
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "",
                " ",
                "app.example.com",
                "//app.example.com",
                "https://",
                "not a url",
                "https://app example.com"
            })
    void malformedOriginIsRefused(String origin) {
        assertThat(APP_ALLOWED.permits(origin, "app.example.com")).isFalse();
    }

    @Test
    void malformedEntryInAllowedListAllowsNothingExtra() {
        OriginPolicy policy = new OriginPolicy(List.of("not a url", "https://app.example.com/"));

        assertThat(policy.permits("", SERVER_HOST)).isFalse();
        assertThat(policy.permits("https://app.example.com", SERVER_HOST)).isFalse();
    }
}
