package io.jobpulse.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

import io.jobpulse.config.JsonSettings;
import io.jobpulse.config.WebSocketSettings;
import jakarta.json.Json;
import jakarta.json.JsonValue;
import jakarta.websocket.DecodeException;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ClientMessageDecoderTest {

    private static final String JOB = "AAAAAAAAAAAAAAAAAAAAAA";
    private static final String JOB_REASON = "job must be a string of at most 512 characters";
    private static final String TOKEN_REASON = "token must be a string of at most 512 characters";
    private final ClientMessageDecoder decoder = new ClientMessageDecoder();

    private ClientMessage decode(String text) throws DecodeException {
        return decoder.decode(text);
    }

    private static String subscribeWithSince(String since) {
        return "{\"type\":\"subscribe\",\"job\":\"" + JOB + "\",\"token\":\"t\",\"since\":" + since + "}";
    }

    // --- subscribe ---

    @Test
    void decodesSubscribeWithoutSince() throws DecodeException {
        ClientMessage m = decode("{\"type\":\"subscribe\",\"job\":\"" + JOB + "\",\"token\":\"tok\"}");

        assertThat(m).isEqualTo(new ClientMessage.Subscribe(JOB, "tok", OptionalLong.empty()));
    }

    @Test
    void decodesSubscribeWithSince() throws DecodeException {
        assertThat(decode(subscribeWithSince("42")))
                .isEqualTo(new ClientMessage.Subscribe(JOB, "t", OptionalLong.of(42)));
    }

    @Test
    void decodesSubscribeWithSinceZero() throws DecodeException {
        assertThat(decode(subscribeWithSince("0")))
                .isEqualTo(new ClientMessage.Subscribe(JOB, "t", OptionalLong.of(0)));
    }

    @Test
    void nullSinceMeansFromTheStart() throws DecodeException {
        assertThat(decode(subscribeWithSince("null")))
                .isEqualTo(new ClientMessage.Subscribe(JOB, "t", OptionalLong.empty()));
    }

    @Test
    void acceptsTheLargestEighteenDigitSince() throws DecodeException {
        assertThat(decode(subscribeWithSince("999999999999999999")))
                .isEqualTo(new ClientMessage.Subscribe(JOB, "t", OptionalLong.of(999_999_999_999_999_999L)));
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "-1",
                "1.5",
                "1.0",
                "1e3",
                "123456789012345678901234567890",
                "9223372036854775808",
                "\"5\"",
                "true",
                "[1]",
                "{}"
            })
    void badSinceIsInvalid(String since) throws DecodeException {
        assertThat(decode(subscribeWithSince(since)))
                .isEqualTo(new ClientMessage.Invalid("subscribe", JOB, "since must be a non-negative integer"));
    }

    @Test
    void subscribeWithoutJobIsInvalid() throws DecodeException {
        assertThat(decode("{\"type\":\"subscribe\",\"token\":\"t\"}"))
                .isEqualTo(new ClientMessage.Invalid("subscribe", null, JOB_REASON));
    }

    @Test
    void subscribeWithNumericJobIsInvalid() throws DecodeException {
        assertThat(decode("{\"type\":\"subscribe\",\"job\":7,\"token\":\"t\"}"))
                .isEqualTo(new ClientMessage.Invalid("subscribe", null, JOB_REASON));
    }

    @Test
    void subscribeWithoutTokenIsInvalidAndNamesTheJob() throws DecodeException {
        assertThat(decode("{\"type\":\"subscribe\",\"job\":\"" + JOB + "\"}"))
                .isEqualTo(new ClientMessage.Invalid("subscribe", JOB, TOKEN_REASON));
    }

    @Test
    void subscribeWithNullTokenIsInvalid() throws DecodeException {
        assertThat(decode("{\"type\":\"subscribe\",\"job\":\"" + JOB + "\",\"token\":null}"))
                .isEqualTo(new ClientMessage.Invalid("subscribe", JOB, TOKEN_REASON));
    }

    @Test
    void overlongJobIsTreatedAsMissing() throws DecodeException {
        String longJob = "j".repeat(ClientMessageDecoder.MAX_FIELD_LENGTH + 1);

        assertThat(decode("{\"type\":\"subscribe\",\"job\":\"" + longJob + "\",\"token\":\"t\"}"))
                .isEqualTo(new ClientMessage.Invalid("subscribe", null, JOB_REASON));
    }

    @Test
    void overlongTokenIsTreatedAsMissing() throws DecodeException {
        String longToken = "t".repeat(ClientMessageDecoder.MAX_FIELD_LENGTH + 1);

        assertThat(decode("{\"type\":\"subscribe\",\"job\":\"" + JOB + "\",\"token\":\"" + longToken + "\"}"))
                .isEqualTo(new ClientMessage.Invalid("subscribe", JOB, TOKEN_REASON));
    }

    @Test
    void unknownExtraFieldsAreIgnored() throws DecodeException {
        assertThat(decode("{\"type\":\"subscribe\",\"job\":\"" + JOB + "\",\"token\":\"t\",\"extra\":[1,2]}"))
                .isEqualTo(new ClientMessage.Subscribe(JOB, "t", OptionalLong.empty()));
    }

    // --- unsubscribe ---

    @Test
    void decodesUnsubscribe() throws DecodeException {
        assertThat(decode("{\"type\":\"unsubscribe\",\"job\":\"" + JOB + "\"}"))
                .isEqualTo(new ClientMessage.Unsubscribe(JOB));
    }

    @Test
    void unsubscribeWithoutJobIsInvalid() throws DecodeException {
        assertThat(decode("{\"type\":\"unsubscribe\"}"))
                .isEqualTo(new ClientMessage.Invalid("unsubscribe", null, JOB_REASON));
    }

    // --- ping ---

    @Test
    void decodesPingWithStringId() throws DecodeException {
        assertThat(decode("{\"type\":\"ping\",\"id\":\"abc\"}"))
                .isEqualTo(new ClientMessage.Ping(Json.createValue("abc")));
    }

    @Test
    void decodesPingWithNumberId() throws DecodeException {
        assertThat(decode("{\"type\":\"ping\",\"id\":17}"))
                .isInstanceOfSatisfying(
                        ClientMessage.Ping.class, p -> assertThat(p.id()).isEqualTo(Json.createValue(17)));
    }

    @Test
    void decodesPingWithNullId() throws DecodeException {
        assertThat(decode("{\"type\":\"ping\",\"id\":null}")).isEqualTo(new ClientMessage.Ping(JsonValue.NULL));
    }

    @Test
    void pingWithoutIdHasNullId() throws DecodeException {
        assertThat(decode("{\"type\":\"ping\"}")).isEqualTo(new ClientMessage.Ping(JsonValue.NULL));
    }

    @Test
    void decodesPingWithBooleanId() throws DecodeException {
        assertThat(decode("{\"type\":\"ping\",\"id\":true}")).isEqualTo(new ClientMessage.Ping(JsonValue.TRUE));
    }

    @ParameterizedTest
    @ValueSource(strings = {"{}", "{\"a\":1}", "[]", "[1,2]"})
    void pingWithObjectOrArrayIdIsInvalid(String id) throws DecodeException {
        assertThat(decode("{\"type\":\"ping\",\"id\":" + id + "}"))
                .isInstanceOfSatisfying(ClientMessage.Invalid.class, i -> {
                    assertThat(i.type()).isEqualTo("ping");
                    assertThat(i.job()).isNull();
                    assertThat(i.reason()).isNotBlank();
                });
    }

    @Test
    void pingWithOverlongStringIdIsInvalid() throws DecodeException {
        String id = "i".repeat(ClientMessageDecoder.MAX_FIELD_LENGTH + 1);

        assertThat(decode("{\"type\":\"ping\",\"id\":\"" + id + "\"}")).isInstanceOf(ClientMessage.Invalid.class);
    }

    // --- not a client message at all ---

    @ParameterizedTest
    @ValueSource(
            strings = {
                "not json",
                "[{\"type\":\"ping\"}]",
                "[]",
                "\"ping\"",
                "42",
                "null",
                "",
                "   ",
                "{\"type\":\"subscribe\",\"job\":",
                "{\"type\":\"ping\"",
                "{type:ping}",
                "{\"type\":\"teleport\"}",
                "{\"type\":\"PING\"}",
                "{}",
                "{\"job\":\"x\"}",
                "{\"type\":null}",
                "{\"type\":7}",
                "{\"type\":[\"ping\"]}",
                "{\"type\":\"event\",\"job\":\"x\",\"seq\":1}",
                "{\"type\":\"snapshot\",\"job\":{}}",
                "{\"type\":\"subscribed\",\"job\":\"x\",\"resumed\":false}",
                "{\"type\":\"pong\",\"id\":1}",
                "{\"type\":\"error\",\"code\":\"not_found\",\"message\":\"x\"}"
            })
    void textThatIsNotAClientMessageIsADecodeException(String text) {
        assertThatExceptionOfType(DecodeException.class).isThrownBy(() -> decode(text));
    }

    @Test
    void hugeUnknownTypeIsRejectedWithAShortReason() {
        String type = "x".repeat(10_000);

        assertThatExceptionOfType(DecodeException.class)
                .isThrownBy(() -> decode("{\"type\":\"" + type + "\"}"))
                .satisfies(e -> assertThat(e.getMessage()).hasSizeLessThan(200));
    }

    @ParameterizedTest
    @ValueSource(strings = {"{\"type\":\"ping\",\"id\":1} garbage", "{\"type\":\"ping\",\"id\":1}{\"type\":\"ping\"}"})
    void trailingContentAfterTheObjectIsADecodeException(String text) {
        assertThatExceptionOfType(DecodeException.class).isThrownBy(() -> decode(text));
    }

    @Test
    void aTenKilobyteJobIdGetsATruthfulReason() throws DecodeException {
        ClientMessageDecoder roomy = new ClientMessageDecoder(64 * 1024, JsonSettings.defaults());
        String job = "j".repeat(10 * 1024);

        assertThat(roomy.decode("{\"type\":\"subscribe\",\"job\":\"" + job + "\",\"token\":\"t\"}"))
                .isEqualTo(new ClientMessage.Invalid("subscribe", null, JOB_REASON));
    }

    // --- JSON limits before parsing

    @ParameterizedTest
    @ValueSource(
            strings = {
                "{\"type\":\"subscribe\",\"job\":\"mine\",\"job\":\"theirs\",\"token\":\"t\"}",
                "{\"type\":\"subscribe\",\"job\":\"" + JOB + "\",\"token\":\"t\",\"since\":1e1000000}",
                "{\"type\":\"ping\",\"id\":123456789012345678901234567890123456789012345678901234567890123456789}",
                "{\"type\":\"ping\",\"type\":\"subscribe\"}"
            })
    void textThatBreaksAJsonLimitIsADecodeExceptionNamingTheRule(String text) {
        assertThatExceptionOfType(DecodeException.class)
                .isThrownBy(() -> decode(text))
                .isNotInstanceOf(MessageTooBigException.class)
                .satisfies(e -> assertThat(e.getMessage()).startsWith("JSON ").hasSizeLessThan(100));
    }

    @Test
    void deepNestingIsRefusedBeforeTheParserSeesIt() {
        ClientMessageDecoder roomy = new ClientMessageDecoder(64 * 1024, JsonSettings.defaults());
        String deep = "{\"type\":\"ping\",\"id\":" + "[".repeat(30_000) + "]".repeat(30_000) + "}";

        assertThatExceptionOfType(DecodeException.class)
                .isThrownBy(() -> roomy.decode(deep))
                .withMessage("JSON nested deeper than 32 levels");
    }

    // --- size limit (Undertow delivers text messages of any size to the decoder)

    @Test
    void messageOverTheDefaultSizeLimitIsTooBig() {
        String text = "{\"type\":\"ping\",\"id\":\""
                + "x".repeat(WebSocketSettings.defaults().maxMessageBytes()) + "\"}";

        assertThatExceptionOfType(MessageTooBigException.class)
                .isThrownBy(() -> decode(text))
                .withMessage("message over " + WebSocketSettings.defaults().maxMessageBytes() + " bytes");
    }

    @Test
    void theSizeLimitComesFromTheLimits() throws DecodeException {
        String text = "{\"type\":\"ping\",\"id\":\"" + "x".repeat(600) + "\"}";
        ClientMessageDecoder small = new ClientMessageDecoder(256, JsonSettings.defaults());

        assertThatExceptionOfType(MessageTooBigException.class)
                .isThrownBy(() -> small.decode(text))
                .withMessage("message over 256 bytes");
        assertThat(new ClientMessageDecoder(1024, JsonSettings.defaults()).decode(text))
                .isInstanceOf(ClientMessage.Invalid.class);
    }

    @Test
    void withoutCdiInitFallsBackToTheDefaults() {
        ClientMessageDecoder configured = new ClientMessageDecoder(256, JsonSettings.defaults());
        configured.init(null);
        String text = "{\"type\":\"ping\",\"id\":\"" + "x".repeat(300) + "\"}";

        assertThatCode(() -> configured.decode(text)).doesNotThrowAnyException();
    }

    @Test
    void sizeLimitCountsUtf8Bytes() {
        int limit = 8192;
        assertThat(ClientMessageDecoder.overSizeLimit("x".repeat(limit), limit)).isFalse();
        assertThat(ClientMessageDecoder.overSizeLimit("x".repeat(limit + 1), limit))
                .isTrue();
        assertThat(ClientMessageDecoder.overSizeLimit("\u00e9".repeat(limit / 2), limit))
                .isFalse();
        assertThat(ClientMessageDecoder.overSizeLimit("\u00e9".repeat(limit / 2 + 1), limit))
                .isTrue();
        assertThat(ClientMessageDecoder.overSizeLimit("\u20ac".repeat(limit / 3 + 1), limit))
                .isTrue();
        assertThat(ClientMessageDecoder.overSizeLimit("\ud83d\ude00".repeat(limit / 4), limit))
                .isFalse();
        assertThat(ClientMessageDecoder.overSizeLimit("\ud83d\ude00".repeat(limit / 4) + "x", limit))
                .isTrue();
    }

    @Test
    void willDecodeAnyText() {
        assertThat(decoder.willDecode("{}")).isTrue();
        assertThat(decoder.willDecode("garbage")).isTrue();
        assertThat(decoder.willDecode(null)).isFalse();
    }
}
