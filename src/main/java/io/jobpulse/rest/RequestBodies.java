package io.jobpulse.rest;

import io.jobpulse.json.JsonMaps;
import jakarta.json.JsonException;
import jakarta.json.JsonObject;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/** Reads a request body as a JSON object, bounded before anything is parsed. */
final class RequestBodies {

    private RequestBodies() {
    }

    static JsonObject jsonObject(InputStream body, int maxBytes) {
        byte[] bytes = read(body, maxBytes);
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            throw ApiProblem.badRequest("The request body is not valid UTF-8.");
        }
        if (text.isBlank()) {
            throw ApiProblem.badRequest("The request body is empty; send a JSON object.");
        }
        try {
            return JsonMaps.parseObject(text);
        } catch (JsonException | IllegalStateException e) {
            throw ApiProblem.badRequest("The request body is not a valid JSON object.");
        }
    }

    private static byte[] read(InputStream body, int maxBytes) {
        if (body == null) {
            return new byte[0];
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buffer = new byte[8192];
        try {
            int n;
            while ((n = body.read(buffer)) != -1) {
                if (out.size() + n > maxBytes) {
                    throw new ApiProblem(413, "Content Too Large",
                            "The request body is larger than " + maxBytes + " bytes.");
                }
                out.write(buffer, 0, n);
            }
        } catch (IOException e) {
            throw ApiProblem.badRequest("The request body could not be read.");
        }
        return out.toByteArray();
    }
}
