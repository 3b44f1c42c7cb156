package io.jobpulse.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatNullPointerException;

import java.util.HashSet;
import java.util.Set;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.NullAndEmptySource;
import org.junit.jupiter.params.provider.ValueSource;

class JobIdTest {

    private static final String VALID = "abcdefghijABCDEFGHIJ-_";

    @Test
    void randomIdsAre22UrlSafeCharacters() {
        IntStream.range(0, 1_000)
                .mapToObj(i -> JobId.random())
                .forEach(id -> assertThat(id.value()).hasSize(22).matches("[A-Za-z0-9_-]{22}"));
    }

    @Test
    void randomIdsAreDistinct() {
        Set<JobId> ids = new HashSet<>();
        IntStream.range(0, 10_000).forEach(i -> ids.add(JobId.random()));

        assertThat(ids).hasSize(10_000);
    }

    @Test
    void parseAcceptsAWellFormedId() {
        assertThat(JobId.parse(VALID)).hasValue(new JobId(VALID));
    }

    @Test
    void parseAcceptsTheEdgesOfEachRange() {
        assertThat(JobId.parse("AZaz09-_AZaz09-_AZaz09")).isPresent();
    }

    @Test
    void parseRoundTripsARandomId() {
        JobId id = JobId.random();

        assertThat(JobId.parse(id.value())).hasValue(id);
        assertThat(JobId.parse(id.toString())).hasValue(id);
    }

    @ParameterizedTest
    @NullAndEmptySource
    @ValueSource(
            strings = {
                "../x",
                "../../../../etc/passwd",
                "......................",
                "../aaaaaaaaaaaaaaaaaaa",
                "abcdefghijABCDEFGHIJ-",
                "abcdefghijABCDEFGHIJ-_x",
                "abcdefghijABCDEFGHIJ+/",
                "abcdefghijABCDEFGHIJ=_",
                "abcdefghij ABCDEFGHIJ-",
                "abcdefghijABCDEFGHIJ-\n",
                "abcdéfghijABCDEFGHIJ-_",
                "abcdefghijABCDEFGHIJ%2",
                "abcdefghijABCDEFGHIJ@[",
                "abcdefghijABCDEFGHIJ`{",
                "abcdefghijABCDEFGHIJ/:"
            })
    void parseRejectsAnythingThatIsNotAnId(String candidate) {
        assertThat(JobId.parse(candidate)).isEmpty();
    }

    @Test
    void parseRejectsA10KilobyteString() {
        assertThat(JobId.parse("a".repeat(10 * 1024))).isEmpty();
    }

    @Test
    void constructorRejectsMalformedValueWithoutEchoingIt() {
        assertThatIllegalArgumentException().isThrownBy(() -> new JobId("../x")).withMessageNotContaining("../x");
    }

    @Test
    void constructorRejectsNull() {
        assertThatNullPointerException().isThrownBy(() -> new JobId(null));
    }

    @Test
    void toStringIsTheValue() {
        assertThat(new JobId(VALID)).hasToString(VALID);
    }
}
