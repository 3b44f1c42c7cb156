package io.jobpulse.client;

import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonException;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import jakarta.json.JsonReader;
import jakarta.json.JsonValue;
import jakarta.json.spi.JsonProvider;
import java.io.StringReader;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.Collection;
import java.util.Map;

/** Plain Java values to JSON-P and text to JSON objects; the JSON-P provider is looked up once. */
final class JsonValues {

    static final JsonProvider PROVIDER = JsonProvider.provider();

    private JsonValues() {}

    /** A map of strings, numbers, booleans, nulls, maps, collections and JSON-P values as a JSON object. */
    static JsonObject object(Map<String, ?> map) {
        JsonObjectBuilder b = PROVIDER.createObjectBuilder();
        map.forEach((k, v) -> b.add(k, value(v)));
        return b.build();
    }

    static JsonValue value(Object v) {
        if (v == null) {
            return JsonValue.NULL;
        }
        if (v instanceof JsonValue json) {
            return json;
        }
        if (v instanceof String s) {
            return PROVIDER.createValue(s);
        }
        if (v instanceof Boolean flag) {
            return flag ? JsonValue.TRUE : JsonValue.FALSE;
        }
        if (v instanceof Integer || v instanceof Long || v instanceof Short || v instanceof Byte) {
            return PROVIDER.createValue(((Number) v).longValue());
        }
        if (v instanceof Double || v instanceof Float) {
            return PROVIDER.createValue(((Number) v).doubleValue());
        }
        if (v instanceof BigDecimal d) {
            return PROVIDER.createValue(d);
        }
        if (v instanceof BigInteger i) {
            return PROVIDER.createValue(i);
        }
        if (v instanceof Map<?, ?> m) {
            JsonObjectBuilder b = PROVIDER.createObjectBuilder();
            m.forEach((k, item) -> b.add(String.valueOf(k), value(item)));
            return b.build();
        }
        if (v instanceof Collection<?> c) {
            JsonArrayBuilder b = PROVIDER.createArrayBuilder();
            c.forEach(item -> b.add(value(item)));
            return b.build();
        }
        throw new IllegalArgumentException("not a JSON value: " + v.getClass().getName());
    }

    /** The text as one JSON object; {@link JsonException} when it is none. */
    static JsonObject parse(String text) {
        try (JsonReader reader = PROVIDER.createReader(new StringReader(text))) {
            return reader.readObject();
        }
    }
}
