package io.jobpulse.rest;

import io.jobpulse.json.JsonMaps;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import jakarta.ws.rs.core.Response;

/** Builds problem+json responses. */
final class Problems {

    static final String MEDIA_TYPE = "application/problem+json";

    private Problems() {
    }

    static Response response(int status, String title, String detail, JsonObject extra) {
        JsonObjectBuilder body = Json.createObjectBuilder()
                .add("type", "about:blank")
                .add("title", title)
                .add("status", status)
                .add("detail", detail);
        if (extra != null) {
            extra.forEach(body::add);
        }
        Response.ResponseBuilder response = Response.status(status, title).type(MEDIA_TYPE).entity(JsonMaps.write(body.build()));
        if (status == 401) {
            response.header("WWW-Authenticate", "Bearer realm=\"jobpulse\"");
        }
        return response.build();
    }
}
