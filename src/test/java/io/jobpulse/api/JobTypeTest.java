package io.jobpulse.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.jobpulse.api.InvalidParametersException.Violation;
import java.math.BigDecimal;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class JobTypeTest {

    private static final JobType TYPE = new JobType(
            "demo",
            "A type for tests",
            List.of(
                    ParameterSpec.requiredInteger("count", "How many", 1, 100),
                    ParameterSpec.integer("intervalMs", "Pause", 100, 0, 1000),
                    ParameterSpec.optionalInteger("failAt", "Fail here", 1, 100),
                    ParameterSpec.string("label", "A label", "none", 10),
                    new ParameterSpec("note", ParameterKind.STRING, "Unbounded by spec", false, null, null, null),
                    new ParameterSpec("verbose", ParameterKind.BOOLEAN, "Say more", false, false, null, null)));

    @Test
    void fillsInDefaultsAndLeavesOptionalsWithoutDefaultAbsent() throws Exception {
        JobParameters parameters = TYPE.validate(Map.of("count", 5L));

        assertThat(parameters.values())
                .containsExactly(
                        Map.entry("count", 5L),
                        Map.entry("intervalMs", 100L),
                        Map.entry("label", "none"),
                        Map.entry("verbose", false));
        assertThat(parameters.optionalLong("failAt")).isEmpty();
        assertThat(parameters.getLong("count")).isEqualTo(5L);
    }

    @Test
    void keepsGivenValuesOverDefaults() throws Exception {
        JobParameters parameters =
                TYPE.validate(Map.of("count", 5L, "intervalMs", 0L, "failAt", 3L, "label", "hello", "verbose", true));

        assertThat(parameters.values())
                .containsEntry("intervalMs", 0L)
                .containsEntry("failAt", 3L)
                .containsEntry("label", "hello")
                .containsEntry("verbose", true);
    }

    @Test
    void rejectsAMissingRequiredParameter() {
        assertThat(violations(Map.of("intervalMs", 5L))).containsExactly(new Violation("count", "is required"));
    }

    @Test
    void rejectsAnUnknownParameter() {
        assertThat(violations(Map.of("count", 5L, "colour", "red")))
                .containsExactly(new Violation("colour", "unknown parameter for job type demo"));
    }

    @Test
    void rejectsValuesOfTheWrongType() {
        Map<String, Object> raw = new LinkedHashMap<>();
        raw.put("count", "5");
        raw.put("intervalMs", new BigDecimal("1.5"));
        raw.put("label", 7L);
        raw.put("verbose", "yes");

        assertThat(violations(raw))
                .containsExactlyInAnyOrder(
                        new Violation("count", "must be an integer"),
                        new Violation("intervalMs", "must be an integer"),
                        new Violation("label", "must be a string"),
                        new Violation("verbose", "must be true or false"));
    }

    @ParameterizedTest
    @ValueSource(longs = {0, -1, 101, Long.MAX_VALUE})
    void rejectsIntegersOutOfRange(long count) {
        assertThat(violations(Map.of("count", count)))
                .containsExactly(new Violation("count", "must be between 1 and 100"));
    }

    @ParameterizedTest
    @ValueSource(longs = {1, 100})
    void acceptsTheBoundsOfTheRange(long count) throws Exception {
        assertThat(TYPE.validate(Map.of("count", count)).getLong("count")).isEqualTo(count);
    }

    @Test
    void limitsStringsToTheirMaximumLength() throws Exception {
        assertThat(TYPE.validate(Map.of("count", 1L, "label", "x".repeat(10))).getString("label"))
                .hasSize(10);
        assertThat(violations(Map.of("count", 1L, "label", "x".repeat(11))))
                .containsExactly(new Violation("label", "must have at most 10 characters"));
    }

    @Test
    void limitsStringsWithoutAMaximumTo1000Characters() throws Exception {
        assertThat(TYPE.validate(Map.of("count", 1L, "note", "x".repeat(1000))).getString("note"))
                .hasSize(1000);
        assertThat(violations(Map.of("count", 1L, "note", "x".repeat(1001))))
                .containsExactly(new Violation("note", "must have at most 1000 characters"));
    }

    @Test
    void reportsEveryProblemAtOnce() {
        InvalidParametersException e = catchThrowableOfType(
                InvalidParametersException.class,
                () -> TYPE.validate(Map.of("colour", "red", "label", "far too long a label")));

        assertThat(e.violations())
                .extracting(Violation::parameter)
                .containsExactlyInAnyOrder("colour", "count", "label");
        assertThat(e.getMessage()).contains("colour: unknown parameter", "count: is required", "label: must have");
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "Steps", "1steps", "with space", "under_score"})
    void rejectsNamesThatAreNotLowerCaseWords(String name) {
        assertThatThrownBy(() -> new JobType(name, "d", List.of())).isInstanceOf(IllegalArgumentException.class);
    }

    private static List<Violation> violations(Map<String, Object> raw) {
        return catchThrowableOfType(InvalidParametersException.class, () -> TYPE.validate(raw))
                .violations();
    }
}
