package io.jobpulse.rest;

import io.jobpulse.config.JobPulseConfig;
import io.jobpulse.http.ApiProblem;
import io.jobpulse.security.ApiKeys;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.Optional;

/**
 * Who an API request comes from: {@code Authorization: Bearer <secret>} against {@code jobpulse.api-keys}; in dev
 * mode a request without the header is client {@code dev} (a key that is sent must still be valid).
 */
@ApplicationScoped
public class ApiClientAuthenticator {

    public static final String DEV_CLIENT = "dev";

    @Inject
    ApiKeys keys;

    @Inject
    JobPulseConfig config;

    /** The client's name, or an {@link ApiProblem} 401. */
    public String authenticate(String authorization) {
        if (authorization == null || authorization.isBlank()) {
            if (config.dev()) {
                return DEV_CLIENT;
            }
            throw new ApiProblem(401, "Unauthorized", "Send an API key: Authorization: Bearer <key>.");
        }
        Optional<String> client = authorization.regionMatches(true, 0, "Bearer ", 0, 7)
                ? keys.clientFor(authorization.substring(7).trim())
                : Optional.empty();
        return client.orElseThrow(() -> new ApiProblem(401, "Unauthorized", "The API key is not valid."));
    }
}
