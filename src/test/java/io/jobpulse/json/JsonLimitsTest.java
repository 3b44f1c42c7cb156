package io.jobpulse.json;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import io.jobpulse.config.JsonSettings;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class JsonLimitsTest {

    private static final JsonLimits DEFAULTS = JsonSettings.defaults();

    private static void passes(String text) {
        assertThatCode(() -> DEFAULTS.check(text)).doesNotThrowAnyException();
    }

    private static void breaks(String text, JsonRule rule) {
        breaks(DEFAULTS, text, rule);
    }

    private static void breaks(JsonLimits limits, String text, JsonRule rule) {
        assertThatExceptionOfType(JsonLimitException.class)
                .isThrownBy(() -> limits.check(text))
                .satisfies(e -> {
                    assertThat(e.rule()).isEqualTo(rule);
                    assertThat(e.getMessage()).hasSizeLessThan(80).doesNotContain("xxxx");
                    assertThat(e.getStackTrace()).as("cheap: no stack trace").isEmpty();
                });
    }

    @Test
    void theDefaultsComeFromLimits() {
        assertThat(DEFAULTS).isEqualTo(new JsonLimits(32, 64, 65_536));
    }

    @Test
    void limitsMustBePositive() {
        assertThatIllegalArgumentException().isThrownBy(() -> new JsonLimits(0, 64, 64));
        assertThatIllegalArgumentException().isThrownBy(() -> new JsonLimits(32, 0, 64));
        assertThatIllegalArgumentException().isThrownBy(() -> new JsonLimits(32, 64, 0));
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "{\"type\":\"steps\",\"name\":\"nightly\",\"params\":{\"count\":5,\"ratio\":-1.25e-3,\"on\":true,\"x\":null}}",
                "{}",
                "[]",
                "",
                "  ",
                "42",
                "\"text\"",
                "[1,[2,[3]],{\"a\":[{}]}]",
                "{\"a\":1,\"b\":{\"a\":2},\"c\":[{\"a\":3},{\"a\":4}]}",
                "{\"a\":\"a\",\"b\":\"a\"}",
                "{\"quote\\\"\":1,\"quote\\\\\":2,\"quote\":3}",
                "{\"a\\nb\":1,\"a\\\\nb\":2}",
                "{\"e\":1e999,\"f\":1E+999,\"g\":2e-999,\"h\":1e0000000000999}",
                "{\"s\":\"}]]]]{{{{[[[[\\\"\"}"
            })
    void ordinaryJsonPasses(String text) {
        passes(text);
    }

    // --- depth

    @Test
    void depthUpToTheLimitPasses() {
        passes("[".repeat(32) + "]".repeat(32));
        passes("{\"a\":".repeat(31) + "[]" + "}".repeat(31));
    }

    @Test
    void oneLevelOverTheLimitIsRefused() {
        breaks("[".repeat(33) + "]".repeat(33), JsonRule.MAX_DEPTH);
        breaks("{\"a\":".repeat(32) + "[]" + "}".repeat(32), JsonRule.MAX_DEPTH);
    }

    @Test
    void depthIsTheDeepestPointNotTheNumberOfContainers() {
        passes("[" + "[],".repeat(10_000) + "[]]");
        passes("[[]]".repeat(10_000));
    }

    @Test
    @Timeout(value = 2, unit = TimeUnit.SECONDS)
    void aHundredThousandOpeningBracketsAreRefusedWithoutRecursion() {
        breaks("[".repeat(100_000), JsonRule.MAX_DEPTH);
        breaks("{\"a\":".repeat(100_000), JsonRule.MAX_DEPTH);
        breaks(
                new JsonLimits(1_000_000, 64, 64),
                "[".repeat(100_001) + "1" + "]".repeat(100_001) + "[".repeat(1_000_001),
                JsonRule.MAX_DEPTH);
    }

    @Test
    void bracketsInsideStringsDoNotCount() {
        passes("{\"a\":\"" + "[".repeat(1000) + "\"}");
        passes("[\"\\\"[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[\"]");
    }

    // --- numbers

    @Test
    void aNumberOfExactlyTheMaximumLengthPasses() {
        passes("[" + "9".repeat(64) + "]");
        passes("[-" + "9".repeat(63) + "]");
    }

    @Test
    void aNumberOneCharacterTooLongIsRefused() {
        breaks("[" + "9".repeat(65) + "]", JsonRule.MAX_NUMBER_LENGTH);
        breaks("[-0." + "0".repeat(62) + "]", JsonRule.MAX_NUMBER_LENGTH);
    }

    @Test
    @Timeout(value = 2, unit = TimeUnit.SECONDS)
    void aSixtyKilobyteNumberIsRefused() {
        breaks("{\"n\":" + "1".repeat(60 * 1024) + "}", JsonRule.MAX_NUMBER_LENGTH);
        breaks("{\"n\":1." + "0".repeat(60 * 1024) + "}", JsonRule.MAX_NUMBER_LENGTH);
    }

    @ParameterizedTest
    @ValueSource(
            strings = {"1e1000000", "1E1000", "1e+1000", "-1.5e-1000", "0e1000", "1e99999999999999999999", "1e0001000"})
    void anExponentOfAThousandOrMoreIsRefused(String number) {
        breaks("{\"lastSeq\":" + number + "}", JsonRule.MAX_EXPONENT);
        breaks("[" + number + "]", JsonRule.MAX_EXPONENT);
        breaks(number, JsonRule.MAX_EXPONENT);
    }

    @Test
    void numbersInsideStringsAreStrings() {
        passes("{\"n\":\"1e1000000\",\"m\":\"" + "9".repeat(1000) + "\"}");
    }

    // --- strings and keys

    @Test
    void aStringOfExactlyTheMaximumLengthPasses() {
        JsonLimits small = new JsonLimits(32, 64, 10);
        assertThatCode(() -> small.check("{\"k\":\"" + "x".repeat(10) + "\"}")).doesNotThrowAnyException();
        assertThatCode(() -> small.check("{\"" + "k".repeat(10) + "\":1}")).doesNotThrowAnyException();
    }

    @Test
    void aStringOrKeyOneCharacterTooLongIsRefused() {
        JsonLimits small = new JsonLimits(32, 64, 10);
        breaks(small, "{\"k\":\"" + "x".repeat(11) + "\"}", JsonRule.MAX_STRING_LENGTH);
        breaks(small, "{\"" + "k".repeat(11) + "\":1}", JsonRule.MAX_STRING_LENGTH);
        breaks(small, "[\"" + "x".repeat(11) + "\"]", JsonRule.MAX_STRING_LENGTH);
    }

    @Test
    void escapesCountAsTheCharacterTheyStandFor() {
        JsonLimits small = new JsonLimits(32, 64, 4);
        assertThatCode(() -> small.check("[\"\\u0041\\n\\\"\\\\\"]")).doesNotThrowAnyException();
        breaks(small, "[\"\\u0041\\n\\\"\\\\x\"]", JsonRule.MAX_STRING_LENGTH);
    }

    @Test
    void theDefaultStringLimitIsSixtyFourKibiCharacters() {
        passes("{\"s\":\"" + "x".repeat(65_536) + "\"}");
        breaks("{\"s\":\"" + "x".repeat(65_537) + "\"}", JsonRule.MAX_STRING_LENGTH);
        breaks("{\"" + "k".repeat(65_537) + "\":1}", JsonRule.MAX_STRING_LENGTH);
    }

    @Test
    void anEscapedQuoteDoesNotEndTheString() {
        JsonLimits small = new JsonLimits(32, 64, 5);
        breaks(small, "[\"ab\\\"cdef\"]", JsonRule.MAX_STRING_LENGTH);
        // an escaped backslash does end it: "ab\\" then a number
        breaks(small, "[\"ab\\\\\", 1e5000]", JsonRule.MAX_EXPONENT);
    }

    // --- duplicate keys

    @Test
    void aDuplicateKeyIsRefused() {
        breaks("{\"type\":\"subscribe\",\"job\":\"mine\",\"job\":\"theirs\"}", JsonRule.DUPLICATE_KEY);
        breaks("{\"a\":1,\"b\":2,\"a\":{}}", JsonRule.DUPLICATE_KEY);
        breaks("{\"params\":{\"count\":1,\"count\":2}}", JsonRule.DUPLICATE_KEY);
        breaks("[{},{\"x\":[1,{\"y\":1,\"y\":1}]}]", JsonRule.DUPLICATE_KEY);
    }

    @Test
    void keysAreComparedDecoded() {
        breaks("{\"job\":1,\"\\u006aob\":2}", JsonRule.DUPLICATE_KEY);
        breaks("{\"j\\\"b\":1,\"j\\u0022b\":2}", JsonRule.DUPLICATE_KEY);
        breaks("{\"a/b\":1,\"a\\/b\":2}", JsonRule.DUPLICATE_KEY);
        breaks("{\"\\\\\":1,\"\\u005C\":2}", JsonRule.DUPLICATE_KEY);
        passes("{\"\\\\\":1,\"\\\"\":2,\"\\\\\\\"\":3}");
    }

    @Test
    void sameKeysInDifferentObjectsAreNoDuplicates() {
        passes("{\"a\":{\"a\":{\"a\":1}},\"b\":[{\"a\":1},{\"a\":2}]}");
    }

    @Test
    void stringValuesEqualToAKeyAreNoDuplicates() {
        passes("{\"a\":\"a\",\"b\":[\"a\",\"b\"],\"c\":\"b\"}");
    }

    @Test
    @Timeout(value = 5, unit = TimeUnit.SECONDS)
    void aHundredThousandDistinctKeysAreCheckedInLinearTime() {
        StringBuilder text = new StringBuilder("{");
        for (int i = 0; i < 100_000; i++) {
            text.append(i == 0 ? "" : ",").append("\"k").append(i).append("\":").append(i);
        }
        passes(text.append('}').toString());
        breaks(text.insert(text.length() - 1, ",\"k99999\":0").toString(), JsonRule.DUPLICATE_KEY);
    }

    // --- malformed text is the parser's business

    @ParameterizedTest
    @ValueSource(
            strings = {
                "{\"a\"",
                "{\"a\":\"unterminated",
                "]]]}}}",
                "{\"a\":1}{\"a\":1}",
                "\"\\",
                "\"\\u12",
                "{\"a\" \"a\":1}",
                "-",
                "1e",
                "1e+",
                "nul",
                "{,,,}"
            })
    void malformedTextPassesUnlessItBreaksARule(String text) {
        passes(text);
    }

    @Test
    void theRuleKeysAreStable() {
        assertThat(JsonRule.MAX_DEPTH.key()).isEqualTo("max-depth");
        assertThat(JsonRule.MAX_NUMBER_LENGTH.key()).isEqualTo("max-number-length");
        assertThat(JsonRule.MAX_EXPONENT.key()).isEqualTo("max-exponent");
        assertThat(JsonRule.MAX_STRING_LENGTH.key()).isEqualTo("max-string-length");
        assertThat(JsonRule.DUPLICATE_KEY.key()).isEqualTo("duplicate-key");
    }
}
