package io.jobpulse.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import java.time.Duration;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

class DurationParserTest {

    static Stream<Arguments> validDurations() {
        return Stream.of(
                Arguments.of("500ms", Duration.ofMillis(500)),
                Arguments.of("60s", Duration.ofSeconds(60)),
                Arguments.of("15m", Duration.ofMinutes(15)),
                Arguments.of("24h", Duration.ofHours(24)),
                Arguments.of("2d", Duration.ofDays(2)),
                Arguments.of("0s", Duration.ZERO),
                Arguments.of("PT24H", Duration.ofHours(24)),
                Arguments.of("PT0.5S", Duration.ofMillis(500)),
                Arguments.of("P2D", Duration.ofDays(2)),
                Arguments.of(" 60s ", Duration.ofSeconds(60)),
                Arguments.of("60 s", Duration.ofSeconds(60)));
    }

    @ParameterizedTest(name = "{0} is {1}")
    @MethodSource("validDurations")
    void readsSimpleAndIsoDurations(String text, Duration expected) {
        assertThat(DurationParser.parse(text)).isEqualTo(expected);
    }

    @ParameterizedTest
    @ValueSource(
            strings = {"", " ", "abc", "10", "1.5h", "-5s", "5 minutes", "5x", "s", "PT", "24H!", "1234567890123s"})
    void rejectsGarbage(String text) {
        assertThatIllegalArgumentException()
                .isThrownBy(() -> DurationParser.parse(text))
                .withMessageContaining("not a duration");
    }
}
