package io.jobpulse.rest;

import jakarta.enterprise.context.RequestScoped;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.CacheControl;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.EntityTag;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Request;
import jakarta.ws.rs.core.Response;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;

/**
 * {@code GET /api/openapi.json}: the OpenAPI 3.1 document of the API, served exactly as it is in the WAR
 * ({@value #RESOURCE}, written by hand beside docs/api.md). Public, as {@code /api/job-types}: it is the contract, it
 * reveals no jobs. Cacheable for an hour, with a strong ETag of its bytes; a matching {@code If-None-Match} answers 304.
 */
@Path("openapi.json")
@RequestScoped
public class OpenApiResource {

    static final String RESOURCE = "/openapi/jobpulse.json";
    private static final int MAX_AGE_SECONDS = 3600;
    /** Read once, when the class is first used; the same bytes for every request. */
    private static final byte[] DOCUMENT = read();

    private static final EntityTag TAG = new EntityTag(sha256(DOCUMENT));

    @GET
    @Produces(MediaType.APPLICATION_JSON)
    public Response document(@Context Request request) {
        CacheControl cache = new CacheControl();
        cache.setMaxAge(MAX_AGE_SECONDS);
        Response.ResponseBuilder notModified = request.evaluatePreconditions(TAG);
        Response.ResponseBuilder answer = notModified != null
                ? notModified
                : Response.ok(DOCUMENT, MediaType.APPLICATION_JSON_TYPE.withCharset("UTF-8"));
        return answer.tag(TAG).cacheControl(cache).build();
    }

    private static byte[] read() {
        try (InputStream in = OpenApiResource.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException(RESOURCE + " is missing from the WAR");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read " + RESOURCE, e);
        }
    }

    private static String sha256(byte[] bytes) {
        try {
            return Base64.getUrlEncoder()
                    .withoutPadding()
                    .encodeToString(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from the JVM", e);
        }
    }
}
