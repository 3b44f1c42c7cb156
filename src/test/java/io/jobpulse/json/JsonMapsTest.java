package io.jobpulse.json;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class JsonMapsTest {

    private static Map<String, Object> roundTrip(Map<String, ?> map) {
        return JsonMaps.toMap(JsonMaps.parseObject(JsonMaps.write(JsonMaps.toJson(map))));
    }

    /**
     * Parsson lends each writer and parser an 8 KB char buffer from its pool; a writer never closed kept its buffer,
     * so each report answered (a write, then the next report's parse) allocated a new one.
     */
    @Test
    void aWriteGivesParssonsBufferBack() {
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        assumeTrue(threads instanceof com.sun.management.ThreadMXBean, "per-thread allocation counts (HotSpot)");
        com.sun.management.ThreadMXBean counts = (com.sun.management.ThreadMXBean) threads;
        JsonObject answer = JsonMaps.parseObject("{\"accepted\":true,\"cancel\":false,\"id\":\"r-17\"}");
        String report = "{\"id\":\"r-18\",\"progress\":{\"done\":18,\"total\":100}}";
        int rounds = 2_000;
        long before = counts.getCurrentThreadAllocatedBytes();
        for (int i = 0; i < rounds; i++) {
            JsonMaps.write(answer);
            JsonMaps.parseObject(report);
        }
        long perRound = (counts.getCurrentThreadAllocatedBytes() - before) / rounds;
        assertThat(perRound)
                .as("bytes allocated per write and parse (an 8 KB buffer is 8 208)")
                .isLessThan(6_000);
    }

    @Test
    void nestedMapsAndListsSurviveARoundTrip() {
        Map<String, Object> inner = new LinkedHashMap<>();
        inner.put("name", "digest");
        inner.put("tags", List.of("a", "b"));
        inner.put("empty", Map.of());
        Map<String, Object> map = new LinkedHashMap<>();
        map.put("inner", inner);
        map.put("matrix", List.of(List.of(1L, 2L), List.of(3L), List.of()));
        map.put("records", List.of(Map.of("id", 1L), Map.of("id", 2L)));
        map.put("text", "héllo \"world\"\n");

        assertThat(roundTrip(map)).isEqualTo(map);
    }

    @Test
    void keyOrderIsKept() {
        Map<String, Object> map = new LinkedHashMap<>();
        map.put("z", 1L);
        map.put("a", 2L);
        map.put("m", 3L);

        assertThat(roundTrip(map).keySet()).containsExactly("z", "a", "m");
    }

    @Test
    void integersComeBackAsLong() {
        Map<String, Object> back = roundTrip(Map.of(
                "int",
                5,
                "long",
                6L,
                "short",
                (short) 7,
                "byte",
                (byte) 8,
                "max",
                Long.MAX_VALUE,
                "negative",
                -12L,
                "zero",
                0));

        assertThat(back)
                .containsEntry("int", 5L)
                .containsEntry("long", 6L)
                .containsEntry("short", 7L)
                .containsEntry("byte", 8L)
                .containsEntry("max", Long.MAX_VALUE)
                .containsEntry("negative", -12L)
                .containsEntry("zero", 0L);
        assertThat(back.values()).allSatisfy(v -> assertThat(v).isInstanceOf(Long.class));
    }

    @Test
    void longMinValueComesBackAsLong() {
        assertThat(roundTrip(Map.of("min", Long.MIN_VALUE))).containsEntry("min", Long.MIN_VALUE);
    }

    @Test
    void integersBeyondLongComeBackAsBigDecimal() {
        BigDecimal huge = new BigDecimal(BigInteger.valueOf(Long.MAX_VALUE).add(BigInteger.ONE));

        assertThat(roundTrip(Map.of("huge", huge))).containsEntry("huge", huge);
    }

    @Test
    void fractionsComeBackAsBigDecimal() {
        Map<String, Object> back = roundTrip(Map.of("decimal", new BigDecimal("1.25"), "double", 0.5));

        assertThat(back.get("decimal")).isEqualTo(new BigDecimal("1.25"));
        assertThat(back.get("double")).isInstanceOf(BigDecimal.class);
        assertThat((BigDecimal) back.get("double")).isEqualByComparingTo("0.5");
    }

    @Test
    void parsedIntegralNumbersAreLongAndFractionalAreBigDecimal() {
        Map<String, Object> map =
                JsonMaps.toMap(JsonMaps.parseObject("{\"i\":42,\"f\":4.20,\"big\":123456789012345678901234567890}"));

        assertThat(map.get("i")).isEqualTo(42L);
        assertThat(map.get("f")).isEqualTo(new BigDecimal("4.20"));
        assertThat(map.get("big")).isEqualTo(new BigDecimal("123456789012345678901234567890"));
    }

    @Test
    void booleansSurviveARoundTrip() {
        assertThat(roundTrip(Map.of("yes", true, "no", false)))
                .containsEntry("yes", Boolean.TRUE)
                .containsEntry("no", Boolean.FALSE);
    }

    @Test
    void nullSurvivesARoundTripInMapsAndLists() {
        Map<String, Object> map = new LinkedHashMap<>();
        map.put("nothing", null);
        map.put("list", new ArrayList<>(Arrays.asList("a", null, 3L)));

        Map<String, Object> back = roundTrip(map);

        assertThat(back).containsEntry("nothing", null).containsKey("nothing");
        assertThat(back.get("list")).isEqualTo(Arrays.asList("a", null, 3L));
    }

    @Test
    void nullBecomesJsonNull() {
        assertThat(JsonMaps.toJsonValue(null)).isEqualTo(JsonValue.NULL);
        assertThat(JsonMaps.toJava(JsonValue.NULL)).isNull();
    }

    @Test
    void jsonValuesPassThrough() {
        JsonObject object = Json.createObjectBuilder().add("k", "v").build();

        assertThat(JsonMaps.toJsonValue(object)).isSameAs(object);
        assertThat(JsonMaps.toJson(Map.of("o", object)).getJsonObject("o")).isEqualTo(object);
    }

    @Test
    void mapKeysBecomeStrings() {
        JsonValue json = JsonMaps.toJsonValue(Map.of(1, "one"));

        assertThat(json.asJsonObject().getString("1")).isEqualTo("one");
    }

    @Test
    void toJsonArrayKeepsOrder() {
        assertThat(JsonMaps.toJava(JsonMaps.toJsonArray(List.of("b", "a", 1L)))).isEqualTo(List.of("b", "a", 1L));
    }

    @Test
    void rejectsValuesThatAreNotJsonLike() {
        assertThatIllegalArgumentException()
                .isThrownBy(() -> JsonMaps.toJsonValue(new Object()))
                .withMessageContaining("java.lang.Object");
        assertThatIllegalArgumentException().isThrownBy(() -> JsonMaps.toJson(Map.of("when", java.time.Instant.EPOCH)));
    }

    @Test
    void writeGivesCompactText() {
        String text = JsonMaps.write(JsonMaps.toJson(Map.of("a", List.of(1L, 2L))));

        assertThat(text).isEqualTo("{\"a\":[1,2]}");
    }

    @ParameterizedTest
    @ValueSource(strings = {"{\"a\":1}{\"b\":2}", "{\"a\":1} x", "{} []", "{}}"})
    void parseObjectRefusesTextAfterTheObject(String text) {
        assertThatExceptionOfType(MalformedJsonException.class)
                .isThrownBy(() -> JsonMaps.parseObject(text))
                .withMessage("text after the JSON object");
    }

    @ParameterizedTest
    @ValueSource(strings = {"[]", "42", "\"text\"", "null", "", "  "})
    void parseObjectRefusesWhatIsNotAnObject(String text) {
        assertThatExceptionOfType(MalformedJsonException.class)
                .isThrownBy(() -> JsonMaps.parseObject(text))
                .withMessage("not a JSON object");
    }

    @ParameterizedTest
    @ValueSource(strings = {"{\"type\":", "{type:1}", "{\"a\":1,}", "{\"a\":01}", "{\"a\":\"\\x\"}"})
    void parseObjectRefusesMalformedJsonWithAShortMessage(String text) {
        assertThatExceptionOfType(MalformedJsonException.class)
                .isThrownBy(() -> JsonMaps.parseObject(text))
                .withMessage("not valid JSON");
    }

    @Test
    void parseObjectAllowsWhitespaceAroundTheObject() {
        assertThat(JsonMaps.parseObject(" \n{\"a\":1}\t ")).containsKey("a");
    }

    @Test
    void loneSurrogatesAreWrittenAsReplacementCharactersAndPairsKept() {
        String written = JsonMaps.write(jakarta.json.Json.createObjectBuilder()
                .add("lone", "a\ud800b")
                .add("low", "\udc00")
                .add("pair", "\ud83d\ude00")
                .build());

        assertThat(written).isEqualTo("{\"lone\":\"a\ufffdb\",\"low\":\"\ufffd\",\"pair\":\"\ud83d\ude00\"}");
        assertThat(java.nio.charset.StandardCharsets.UTF_8.newEncoder().canEncode(written))
                .isTrue();
    }
}
