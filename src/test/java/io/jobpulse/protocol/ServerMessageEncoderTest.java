package io.jobpulse.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import java.io.StringReader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;

class ServerMessageEncoderTest {

    private static final String JOB = "AAAAAAAAAAAAAAAAAAAAAA";
    private final ServerMessageEncoder encoder = new ServerMessageEncoder();

    private static JsonObject parse(String text) {
        try (var reader = Json.createReader(new StringReader(text))) {
            return reader.readObject();
        }
    }

    @Test
    void encodesSubscribed() {
        JsonObject json = parse(encoder.encode(new ServerMessage.Subscribed(JOB, true)));

        assertThat(json).containsOnlyKeys("type", "job", "resumed");
        assertThat(json.getString("type")).isEqualTo("subscribed");
        assertThat(json.getString("job")).isEqualTo(JOB);
        assertThat(json.getBoolean("resumed")).isTrue();
    }

    @Test
    void encodesSubscribedNotResumed() {
        JsonObject json = parse(encoder.encode(new ServerMessage.Subscribed(JOB, false)));

        assertThat(json.get("resumed")).isEqualTo(JsonValue.FALSE);
    }

    @Test
    void encodesSnapshotWithTheJobViewNested() {
        JsonObject view = Json.createObjectBuilder()
                .add("id", JOB)
                .add("state", "RUNNING")
                .add("seq", 3)
                .build();

        JsonObject json = parse(encoder.encode(new ServerMessage.Snapshot(view)));

        assertThat(json).containsOnlyKeys("type", "job");
        assertThat(json.getString("type")).isEqualTo("snapshot");
        assertThat(json.getJsonObject("job")).isEqualTo(view);
    }

    @Test
    void eventTextPassesThroughUnchanged() {
        String text = "{\"type\":\"event\",  \"job\":\"" + JOB + "\",\"seq\":7 , \"odd\" : [ ] }";

        assertThat(encoder.encode(new ServerMessage.Event(text))).isSameAs(text);
    }

    @Test
    void encodesPongWithStringId() {
        JsonObject json = parse(encoder.encode(new ServerMessage.Pong(Json.createValue("abc"))));

        assertThat(json).containsOnlyKeys("type", "id");
        assertThat(json.getString("type")).isEqualTo("pong");
        assertThat(json.getString("id")).isEqualTo("abc");
    }

    @Test
    void encodesPongWithNumberId() {
        JsonObject json = parse(encoder.encode(new ServerMessage.Pong(Json.createValue(17))));

        assertThat(json.getJsonNumber("id").longValueExact()).isEqualTo(17);
    }

    @Test
    void encodesPongWithNullId() {
        JsonObject json = parse(encoder.encode(new ServerMessage.Pong(JsonValue.NULL)));

        assertThat(json).containsKey("id");
        assertThat(json.isNull("id")).isTrue();
    }

    @Test
    void encodesErrorWithJob() {
        JsonObject json = parse(encoder.encode(new ServerMessage.Error(JOB, ErrorCode.NOT_FOUND, "no such job")));

        assertThat(json).containsOnlyKeys("type", "job", "code", "message");
        assertThat(json.getString("type")).isEqualTo("error");
        assertThat(json.getString("job")).isEqualTo(JOB);
        assertThat(json.getString("code")).isEqualTo("not_found");
        assertThat(json.getString("message")).isEqualTo("no such job");
    }

    @Test
    void errorWithoutJobOmitsJob() {
        JsonObject json = parse(encoder.encode(new ServerMessage.Error(null, ErrorCode.INVALID_MESSAGE, "bad")));

        assertThat(json).containsOnlyKeys("type", "code", "message");
        assertThat(json.getString("code")).isEqualTo("invalid_message");
    }

    @Test
    void messageTextIsEscapedProperly() {
        String message = "quote \" backslash \\ newline \n unicode é";

        JsonObject json = parse(encoder.encode(new ServerMessage.Error(JOB, ErrorCode.UNAVAILABLE, message)));

        assertThat(json.getString("message")).isEqualTo(message);
    }

    @ParameterizedTest
    @CsvSource({
        "NOT_FOUND,              not_found",
        "INVALID_MESSAGE,        invalid_message",
        "ALREADY_SUBSCRIBED,     already_subscribed",
        "NOT_SUBSCRIBED,         not_subscribed",
        "TOO_MANY_SUBSCRIPTIONS, too_many_subscriptions",
        "UNAVAILABLE,            unavailable"
    })
    void errorCodesAreLowerCaseWireNames(ErrorCode code, String wire) {
        assertThat(code.wire()).isEqualTo(wire);
        assertThat(parse(encoder.encode(new ServerMessage.Error(JOB, code, "m")))
                        .getString("code"))
                .isEqualTo(wire);
    }

    @ParameterizedTest
    @EnumSource(ErrorCode.class)
    void everyErrorCodeHasAWireName(ErrorCode code) {
        assertThat(code.wire()).matches("[a-z_]+");
    }

    @Test
    void encodesABatchAsTheTextsOfItsMessagesInOrder() {
        String event = "{\"type\":\"event\",\"job\":\"" + JOB + "\",\"seq\":7}";
        String text = encoder.encode(new ServerMessage.Batch(
                java.util.List.of(new ServerMessage.Subscribed(JOB, true), new ServerMessage.Event(event))));

        JsonObject json = parse(text);
        assertThat(json).containsOnlyKeys("type", "messages");
        assertThat(json.getString("type")).isEqualTo("batch");
        assertThat(json.getJsonArray("messages")).hasSize(2);
        assertThat(json.getJsonArray("messages").getJsonObject(0).getString("type"))
                .isEqualTo("subscribed");
        assertThat(json.getJsonArray("messages").getJsonObject(1)).isEqualTo(parse(event));
        assertThat(text).endsWith("," + event + "]}");
    }

    @Test
    void aBatchHoldsTwoOrMoreMessagesAndNoBatch() {
        ServerMessage one = new ServerMessage.Subscribed(JOB, true);
        ServerMessage two = new ServerMessage.Subscribed(JOB, false);

        org.assertj.core.api.Assertions.assertThatIllegalArgumentException()
                .isThrownBy(() -> new ServerMessage.Batch(java.util.List.of(one)));
        org.assertj.core.api.Assertions.assertThatIllegalArgumentException()
                .isThrownBy(() -> new ServerMessage.Batch(
                        java.util.List.of(one, new ServerMessage.Batch(java.util.List.of(one, two)))));
    }
}
