package io.jobpulse.protocol;

import jakarta.json.Json;
import jakarta.json.JsonException;
import jakarta.json.JsonNumber;
import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import jakarta.json.stream.JsonParser;
import jakarta.json.stream.JsonParserFactory;
import jakarta.websocket.DecodeException;
import jakarta.websocket.Decoder;
import java.io.StringReader;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.OptionalLong;

/**
 * Decodes client text frames. Text that is not a JSON object with a known client {@code type} is a
 * {@link DecodeException} (the endpoint closes with 1007); a known type with bad fields decodes to
 * {@link ClientMessage.Invalid} (answered with an error, connection kept). Stateless and thread-safe.
 */
public class ClientMessageDecoder implements Decoder.Text<ClientMessage> {

    private static final JsonParserFactory PARSERS = Json.createParserFactory(Map.of());
    static final int MAX_FIELD_LENGTH = 512;
    /** Largest client message in UTF-8 bytes (after reassembly of fragments); larger ones close with 1009. */
    public static final int MAX_MESSAGE_BYTES = 64 * 1024;

    @Override
    public boolean willDecode(String text) {
        return text != null;
    }

    @Override
    public ClientMessage decode(String text) throws DecodeException {
        if (overSizeLimit(text)) {
            throw new MessageTooBigException();
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
                yield job == null ? invalid("unsubscribe", message, "job must be a string")
                        : new ClientMessage.Unsubscribe(job);
            }
            case "ping" -> {
                JsonValue id = message.getOrDefault("id", JsonValue.NULL);
                yield id instanceof JsonString s && s.getString().length() > MAX_FIELD_LENGTH
                        || id.getValueType() == JsonValue.ValueType.OBJECT || id.getValueType() == JsonValue.ValueType.ARRAY
                        ? invalid("ping", message, "id must be a short string, a number, a boolean or null")
                        : new ClientMessage.Ping(id);
            }
            default -> throw new DecodeException("", "unknown message type for a client: " + abbreviated(typeName.getString()));
        };
    }

    private static ClientMessage subscribe(JsonObject message) {
        String job = string(message, "job");
        String token = string(message, "token");
        if (job == null) {
            return invalid("subscribe", message, "job must be a string");
        }
        if (token == null) {
            return invalid("subscribe", message, "token must be a string");
        }
        JsonValue since = message.get("since");
        if (since == null || since == JsonValue.NULL) {
            return new ClientMessage.Subscribe(job, token, OptionalLong.empty());
        }
        if (!(since instanceof JsonNumber n) || !n.isIntegral() || n.bigDecimalValue().precision() > 18
                || n.longValue() < 0) {
            return invalid("subscribe", message, "since must be a non-negative integer");
        }
        return new ClientMessage.Subscribe(job, token, OptionalLong.of(n.longValue()));
    }

    private static ClientMessage.Invalid invalid(String type, JsonObject message, String reason) {
        return new ClientMessage.Invalid(type, string(message, "job"), reason);
    }

    /** Whether the text is over {@link #MAX_MESSAGE_BYTES} in UTF-8, counted without encoding it. */
    static boolean overSizeLimit(String text) {
        if (text.length() > MAX_MESSAGE_BYTES) {
            return true;
        }
        long bytes = 0;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            // a surrogate pair is 4 bytes, 2 per char
            bytes += c < 0x80 ? 1 : c < 0x800 || Character.isSurrogate(c) ? 2 : 3;
        }
        return bytes > MAX_MESSAGE_BYTES;
    }

    private static String string(JsonObject message, String field) {
        return message.get(field) instanceof JsonString s && s.getString().length() <= MAX_FIELD_LENGTH
                ? s.getString() : null;
    }

    private static String abbreviated(String s) {
        return s.length() > 32 ? s.substring(0, 32) + "..." : s;
    }

    private static JsonObject parse(String text) throws DecodeException {
        try (JsonParser parser = PARSERS.createParser(new StringReader(text))) {
            if (!parser.hasNext() || parser.next() != JsonParser.Event.START_OBJECT) {
                throw new DecodeException("", "message is not a JSON object");
            }
            JsonObject message = parser.getObject();
            if (parser.hasNext()) {
                throw new DecodeException("", "text after the JSON object");
            }
            return message;
        } catch (JsonException | IllegalStateException | NoSuchElementException e) {
            throw new DecodeException("", "message is not valid JSON", e);
        }
    }
}
