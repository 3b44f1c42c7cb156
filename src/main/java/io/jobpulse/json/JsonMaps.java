package io.jobpulse.json;

import jakarta.json.JsonArray;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonException;
import jakarta.json.JsonNumber;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import jakarta.json.JsonWriter;
import jakarta.json.JsonWriterFactory;
import jakarta.json.stream.JsonGenerator;
import jakarta.json.stream.JsonGeneratorFactory;
import jakarta.json.stream.JsonParser;
import jakarta.json.stream.JsonParserFactory;
import java.io.StringReader;
import java.io.StringWriter;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.function.Consumer;

/**
 * Converts between JSON-P values and the plain Java values the domain holds (String, Long or BigDecimal, Boolean,
 * List, Map, null). The factories are created once: JSON-P factories are thread-safe.
 */
public final class JsonMaps {

    private static final JsonParserFactory PARSERS = Jsonp.PROVIDER.createParserFactory(Map.of());
    private static final JsonWriterFactory WRITERS = Jsonp.PROVIDER.createWriterFactory(Map.of());
    private static final JsonGeneratorFactory GENERATORS = Jsonp.PROVIDER.createGeneratorFactory(Map.of());

    private JsonMaps() {}

    /**
     * Exactly one JSON object, nothing before or after it; anything else is a {@link MalformedJsonException}.
     * Untrusted text must pass {@link JsonLimits#check} first.
     */
    public static JsonObject parseObject(String text) {
        if (text.isBlank()) {
            throw new MalformedJsonException("not a JSON object", null);
        }
        try (JsonParser parser = PARSERS.createParser(new StringReader(text))) {
            if (parser.next() != JsonParser.Event.START_OBJECT) {
                throw new MalformedJsonException("not a JSON object", null);
            }
            JsonObject object = parser.getObject();
            if (hasMore(parser)) {
                throw new MalformedJsonException("text after the JSON object", null);
            }
            return object;
        } catch (JsonException | IllegalStateException | NoSuchElementException e) {
            throw new MalformedJsonException("not valid JSON", e);
        }
    }

    /** Parsson answers true for more JSON and throws for anything else that follows; both are extra text. */
    private static boolean hasMore(JsonParser parser) {
        try {
            return parser.hasNext();
        } catch (JsonException e) {
            throw new MalformedJsonException("text after the JSON object", e);
        }
    }

    /**
     * The object as JSON text that can always be encoded as UTF-8: a lone surrogate (which a client may send as
     * {@code "\\ud800"} and Parsson writes out raw) becomes U+FFFD, so echoing it cannot break a send.
     */
    public static String write(JsonObject object) {
        StringWriter out = new StringWriter(256);
        // closed, so that Parsson takes its 8 KB char buffer back into its pool: an unclosed writer kept it, and the
        // next parser had to allocate a new one (an 8 KB allocation per report answered)
        try (JsonWriter writer = WRITERS.createWriter(out)) {
            writer.writeObject(object);
        }
        return withoutLoneSurrogates(out.toString());
    }

    /**
     * The JSON text {@code content} writes to a generator, with the same guarantee as {@link #write}: for the texts
     * written often (an event per progress update), without building a {@link JsonObject} first.
     */
    public static String generate(Consumer<JsonGenerator> content) {
        StringWriter out = new StringWriter(256);
        try (JsonGenerator generator = GENERATORS.createGenerator(out)) {
            content.accept(generator);
        }
        return withoutLoneSurrogates(out.toString());
    }

    static String withoutLoneSurrogates(String text) {
        StringBuilder fixed = null;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            boolean paired = Character.isHighSurrogate(c)
                    && i + 1 < text.length()
                    && Character.isLowSurrogate(text.charAt(i + 1));
            if (paired) {
                if (fixed != null) {
                    fixed.append(c).append(text.charAt(i + 1));
                }
                i++;
            } else if (Character.isSurrogate(c)) {
                if (fixed == null) {
                    fixed = new StringBuilder(text.length()).append(text, 0, i);
                }
                fixed.append('\uFFFD');
            } else if (fixed != null) {
                fixed.append(c);
            }
        }
        return fixed == null ? text : fixed.toString();
    }

    public static Map<String, Object> toMap(JsonObject object) {
        Map<String, Object> map = new LinkedHashMap<>();
        object.forEach((k, v) -> map.put(k, toJava(v)));
        return map;
    }

    public static Object toJava(JsonValue value) {
        return switch (value.getValueType()) {
            case OBJECT -> toMap(value.asJsonObject());
            case ARRAY -> {
                List<Object> list = new ArrayList<>();
                value.asJsonArray().forEach(v -> list.add(toJava(v)));
                yield list;
            }
            case STRING -> ((JsonString) value).getString();
            case NUMBER -> {
                JsonNumber n = (JsonNumber) value;
                yield integralLong(n);
            }
            case TRUE -> Boolean.TRUE;
            case FALSE -> Boolean.FALSE;
            case NULL -> null;
        };
    }

    /** A Long when the number is an integer that fits, else its BigDecimal. */
    private static Object integralLong(JsonNumber n) {
        if (n.isIntegral()) {
            try {
                return n.bigDecimalValue().longValueExact();
            } catch (ArithmeticException tooBig) {
                return n.bigDecimalValue();
            }
        }
        return n.bigDecimalValue();
    }

    public static JsonObject toJson(Map<String, ?> map) {
        JsonObjectBuilder b = Jsonp.PROVIDER.createObjectBuilder();
        map.forEach((k, v) -> b.add(k, toJsonValue(v)));
        return b.build();
    }

    public static JsonValue toJsonValue(Object value) {
        if (value == null) {
            return JsonValue.NULL;
        } else if (value instanceof JsonValue json) {
            return json;
        } else if (value instanceof String s) {
            return Jsonp.PROVIDER.createValue(s);
        } else if (value instanceof Integer
                || value instanceof Long
                || value instanceof Short
                || value instanceof Byte) {
            return Jsonp.PROVIDER.createValue(((Number) value).longValue());
        } else if (value instanceof BigDecimal d) {
            return Jsonp.PROVIDER.createValue(d);
        } else if (value instanceof Number n) {
            return Jsonp.PROVIDER.createValue(n.doubleValue());
        } else if (value instanceof Boolean flag) {
            return flag ? JsonValue.TRUE : JsonValue.FALSE;
        } else if (value instanceof Map<?, ?> m) {
            JsonObjectBuilder b = Jsonp.PROVIDER.createObjectBuilder();
            m.forEach((k, v) -> b.add(String.valueOf(k), toJsonValue(v)));
            return b.build();
        } else if (value instanceof Iterable<?> items) {
            JsonArrayBuilder b = Jsonp.PROVIDER.createArrayBuilder();
            items.forEach(v -> b.add(toJsonValue(v)));
            return b.build();
        }
        throw new IllegalArgumentException(
                "not a JSON-like value: " + value.getClass().getName());
    }

    public static JsonArray toJsonArray(List<?> values) {
        return (JsonArray) toJsonValue(values);
    }
}
