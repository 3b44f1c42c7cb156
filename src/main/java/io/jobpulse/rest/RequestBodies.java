package io.jobpulse.rest;

import io.jobpulse.config.JobPulseConfig;
import io.jobpulse.http.ApiProblem;
import io.jobpulse.json.JsonLimitException;
import io.jobpulse.json.JsonLimits;
import io.jobpulse.json.JsonMaps;
import io.jobpulse.json.Jsonp;
import io.jobpulse.json.MalformedJsonException;
import io.jobpulse.metrics.Counter;
import io.jobpulse.metrics.NodeMetrics;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.json.JsonObject;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.function.LongSupplier;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Reads a request body as one JSON object, bounded before anything is parsed: a declared or actual size over
 * {@code jobpulse.rest.max-body-bytes} is 413, a body that arrives too slowly 408 ({@link BodyReadDeadline}), and
 * text that breaks the {@link JsonLimits} 400 naming the rule. Each of those is counted as a refused body.
 */
@ApplicationScoped
public class RequestBodies {

    private static final Logger LOG = Logger.getLogger(RequestBodies.class.getName());
    static final String JSON_LIMIT_TYPE = "urn:jobpulse:problem:json-limit";

    private int maxBytes;
    private JsonLimits jsonLimits;
    private NodeMetrics metrics;
    private LongSupplier nanoTime;

    protected RequestBodies() {
        // for CDI
    }

    @Inject
    RequestBodies(JobPulseConfig config, NodeMetrics metrics) {
        this(config.rest().maxBodyBytes(), config.json(), metrics, System::nanoTime);
    }

    RequestBodies(int maxBytes, JsonLimits jsonLimits, NodeMetrics metrics, LongSupplier nanoTime) {
        this.maxBytes = maxBytes;
        this.jsonLimits = jsonLimits;
        this.metrics = metrics;
        this.nanoTime = nanoTime;
    }

    /** The body as a JSON object; {@code declaredLength} is the Content-Length, or empty when the body is chunked. */
    public JsonObject jsonObject(InputStream body, Optional<Long> declaredLength) {
        if (declaredLength.isPresent() && declaredLength.get() > maxBytes) {
            throw refused(tooLarge());
        }
        String text = utf8(read(body, declaredLength));
        if (text.isBlank()) {
            throw ApiProblem.badRequest("The request body is empty; send a JSON object.");
        }
        try {
            jsonLimits.check(text);
        } catch (JsonLimitException e) {
            throw refused(new ApiProblem(
                    400,
                    JSON_LIMIT_TYPE,
                    "JSON Limit Exceeded",
                    "The request body breaks a JSON limit: " + e.getMessage() + ".",
                    Jsonp.PROVIDER
                            .createObjectBuilder()
                            .add("rule", e.rule().key())
                            .build(),
                    Optional.empty()));
        }
        try {
            return JsonMaps.parseObject(text);
        } catch (MalformedJsonException e) {
            throw ApiProblem.badRequest("The request body is not a valid JSON object: " + e.getMessage() + ".");
        }
    }

    /**
     * Reads in chunks sized by the declared length (a report's body is some 100 bytes: an 8 KB buffer for each was
     * most of the bytes a report allocated), at most 8 KB at a time; the size is checked as it grows.
     */
    private byte[] read(InputStream body, Optional<Long> declaredLength) {
        if (body == null) {
            return new byte[0];
        }
        BodyReadDeadline deadline = BodyReadDeadline.startingNow(nanoTime);
        int chunk = declaredLength
                .map(length -> (int) Math.max(64, Math.min(length, 8192)))
                .orElse(8192);
        ByteArrayOutputStream out = new ByteArrayOutputStream(chunk);
        byte[] buffer = new byte[chunk];
        try {
            int n;
            while ((n = body.read(buffer)) != -1) {
                if (out.size() + n > maxBytes) {
                    throw refused(tooLarge());
                }
                out.write(buffer, 0, n);
                if (deadline.passed(out.size())) {
                    throw refused(new ApiProblem(
                            408,
                            "Request Timeout",
                            "The request body arrived too slowly: allow "
                                    + BodyReadDeadline.GRACE.toSeconds() + " s plus 1 s per "
                                    + BodyReadDeadline.MIN_BYTES_PER_SECOND + " bytes."));
                }
            }
        } catch (IOException e) {
            LOG.log(Level.FINE, e, () -> "A request body could not be read after " + out.size() + " bytes");
            throw ApiProblem.badRequest("The request body could not be read.");
        }
        return out.toByteArray();
    }

    private ApiProblem tooLarge() {
        return new ApiProblem(413, "Content Too Large", "The request body is larger than " + maxBytes + " bytes.");
    }

    private ApiProblem refused(ApiProblem problem) {
        metrics.increment(Counter.REST_BODIES_REFUSED);
        return problem;
    }

    private static String utf8(byte[] bytes) {
        try {
            return StandardCharsets.UTF_8
                    .newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes))
                    .toString();
        } catch (CharacterCodingException e) {
            throw ApiProblem.badRequest("The request body is not valid UTF-8.");
        }
    }
}
