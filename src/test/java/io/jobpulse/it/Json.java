package io.jobpulse.it;

import jakarta.json.JsonObject;
import jakarta.json.JsonReader;
import java.io.StringReader;

/** Parses what the server sent. */
final class Json {

    private Json() {}

    static JsonObject parse(String text) {
        try (JsonReader reader = jakarta.json.Json.createReader(new StringReader(text))) {
            return reader.readObject();
        }
    }
}
