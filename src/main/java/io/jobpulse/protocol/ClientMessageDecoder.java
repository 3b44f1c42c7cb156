package io.jobpulse.protocol;

import io.jobpulse.config.JobPulseConfig;
import io.jobpulse.config.JsonSettings;
import io.jobpulse.config.WebSocketSettings;
import io.jobpulse.json.JsonLimitException;
import io.jobpulse.json.JsonLimits;
import io.jobpulse.json.JsonMaps;
import io.jobpulse.json.MalformedJsonException;
import jakarta.enterprise.inject.UnsatisfiedResolutionException;
import jakarta.enterprise.inject.spi.CDI;
import jakarta.json.JsonNumber;
import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import jakarta.websocket.DecodeException;
import jakarta.websocket.Decoder;
import jakarta.websocket.EndpointConfig;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Decodes client text frames. Text over {@code jobpulse.ws.max-message-bytes} is a {@link MessageTooBigException}
 * (1009); text that breaks the {@link JsonLimits} or is not a JSON object with a known client {@code type} is a
 * {@link DecodeException} (the endpoint closes with 1007); a known type with bad fields decodes to
 * {@link ClientMessage.Invalid} (answered with an error, connection kept). The container creates decoders, so the
 * limits are read from CDI in {@link #init}; without CDI (unit tests) they are the defaults. Holds no
 * state between messages and is thread-safe.
 */
public class ClientMessageDecoder implements Decoder.Text<ClientMessage> {

    private static final Logger LOG = Logger.getLogger(ClientMessageDecoder.class.getName());
    static final int MAX_FIELD_LENGTH = 512;
    private static final String JOB_REASON = "job must be a string of at most " + MAX_FIELD_LENGTH + " characters";
    private static final String TOKEN_REASON = "token must be a string of at most " + MAX_FIELD_LENGTH + " characters";

    private static final int DEFAULT_MAX_MESSAGE_BYTES =
            WebSocketSettings.defaults().maxMessageBytes();
    private static final JsonLimits DEFAULT_JSON_LIMITS = JsonSettings.defaults();

    private volatile int maxMessageBytes;
    private volatile JsonLimits jsonLimits;

    public ClientMessageDecoder() {
        this(DEFAULT_MAX_MESSAGE_BYTES, DEFAULT_JSON_LIMITS);
    }

    ClientMessageDecoder(int maxMessageBytes, JsonLimits jsonLimits) {
        this.maxMessageBytes = maxMessageBytes;
        this.jsonLimits = jsonLimits;
    }

    @Override
    public void init(EndpointConfig endpointConfig) {
        Optional<JobPulseConfig> config = configured();
        this.maxMessageBytes = config.map(c -> c.websocket().maxMessageBytes()).orElse(DEFAULT_MAX_MESSAGE_BYTES);
        this.jsonLimits = config.map(JobPulseConfig::json).orElse(DEFAULT_JSON_LIMITS);
    }

    /** The deployment's settings, looked up once: a CDI lookup per connection is measurable in a reconnect storm. */
    private static volatile JobPulseConfig configured;

    /** The deployment's settings; empty without CDI (the decoder then uses the defaults). */
    private static Optional<JobPulseConfig> configured() {
        JobPulseConfig known = configured;
        if (known != null) {
            return Optional.of(known);
        }
        try {
            known = CDI.current().select(JobPulseConfig.class).get();
            configured = known;
            return Optional.of(known);
        } catch (IllegalStateException | UnsatisfiedResolutionException e) {
            LOG.log(Level.WARNING, e, () -> "No CDI for the WebSocket decoder: it uses the default limits");
            return Optional.empty();
        }
    }

    @Override
    public boolean willDecode(String text) {
        return text != null;
    }

    @Override
    public ClientMessage decode(String text) throws DecodeException {
        if (overSizeLimit(text, maxMessageBytes)) {
            throw new MessageTooBigException(maxMessageBytes);
        }
        try {
            jsonLimits.check(text);
        } catch (JsonLimitException e) {
            throw new DecodeException("", e.getMessage());
        }
        JsonObject message = parse(text);
        JsonValue type = message.get("type");
        if (!(type instanceof JsonString typeName)) {
            throw new DecodeException(text.length() > 64 ? text.substring(0, 64) : text, "message has no string type");
        }
        return switch (typeName.getString()) {
            case "subscribe" -> subscribe(message);
            case "unsubscribe" -> {
                String job = string(message, "job");
                yield job == null ? invalid("unsubscribe", message, JOB_REASON) : new ClientMessage.Unsubscribe(job);
            }
            case "ping" -> {
                JsonValue id = message.getOrDefault("id", JsonValue.NULL);
                yield id instanceof JsonString s && s.getString().length() > MAX_FIELD_LENGTH
                                || id.getValueType() == JsonValue.ValueType.OBJECT
                                || id.getValueType() == JsonValue.ValueType.ARRAY
                        ? invalid("ping", message, "id must be a short string, a number, a boolean or null")
                        : new ClientMessage.Ping(id);
            }
            default ->
                throw new DecodeException(
                        "", "unknown message type for a client: " + abbreviated(typeName.getString()));
        };
    }

    private static ClientMessage subscribe(JsonObject message) {
        String job = string(message, "job");
        String token = string(message, "token");
        if (job == null) {
            return invalid("subscribe", message, JOB_REASON);
        }
        if (token == null) {
            return invalid("subscribe", message, TOKEN_REASON);
        }
        JsonValue since = message.get("since");
        if (since == null || since == JsonValue.NULL) {
            return new ClientMessage.Subscribe(job, token, OptionalLong.empty());
        }
        if (!(since instanceof JsonNumber n)
                || !n.isIntegral()
                || n.bigDecimalValue().precision() > 18
                || n.longValue() < 0) {
            return invalid("subscribe", message, "since must be a non-negative integer");
        }
        return new ClientMessage.Subscribe(job, token, OptionalLong.of(n.longValue()));
    }

    private static ClientMessage.Invalid invalid(String type, JsonObject message, String reason) {
        return new ClientMessage.Invalid(type, string(message, "job"), reason);
    }

    /** Whether the text is over {@code maxBytes} in UTF-8, counted without encoding it. */
    static boolean overSizeLimit(String text, int maxBytes) {
        if (text.length() > maxBytes) {
            return true;
        }
        long bytes = 0;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            // a surrogate pair is 4 bytes, 2 per char
            bytes += c < 0x80 ? 1 : c < 0x800 || Character.isSurrogate(c) ? 2 : 3;
        }
        return bytes > maxBytes;
    }

    private static String string(JsonObject message, String field) {
        return message.get(field) instanceof JsonString s && s.getString().length() <= MAX_FIELD_LENGTH
                ? s.getString()
                : null;
    }

    private static String abbreviated(String s) {
        return s.length() > 32 ? s.substring(0, 32) + "..." : s;
    }

    private static JsonObject parse(String text) throws DecodeException {
        try {
            return JsonMaps.parseObject(text);
        } catch (MalformedJsonException e) {
            throw new DecodeException("", "message is " + e.getMessage(), e);
        }
    }
}
