package io.jobpulse.rest;

import io.jobpulse.config.JobPulseConfig;
import io.jobpulse.security.ApiKeys;
import jakarta.annotation.Priority;
import jakarta.inject.Inject;
import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.SecurityContext;
import jakarta.ws.rs.ext.Provider;
import java.security.Principal;
import java.util.Optional;

/**
 * Authenticates API clients by {@code Authorization: Bearer <secret>} against {@code jobpulse.api-keys}; the
 * client's name becomes the request's principal and owns what it submits. In dev mode a request without a key is
 * client {@code dev}; a key that is sent must still be valid.
 */
@Provider
@Authenticated
@Priority(Priorities.AUTHENTICATION)
public class ApiKeyFilter implements ContainerRequestFilter {

    public static final String DEV_CLIENT = "dev";

    @Inject
    ApiKeys keys;
    @Inject
    JobPulseConfig config;

    @Override
    public void filter(ContainerRequestContext request) {
        String header = request.getHeaderString(HttpHeaders.AUTHORIZATION);
        Optional<String> client;
        if (header == null || header.isBlank()) {
            if (!config.dev()) {
                request.abortWith(Problems.response(401, "Unauthorized",
                        "Send an API key: Authorization: Bearer <key>.", null));
                return;
            }
            client = Optional.of(DEV_CLIENT);
        } else if (header.regionMatches(true, 0, "Bearer ", 0, 7)) {
            client = keys.clientFor(header.substring(7).trim());
        } else {
            client = Optional.empty();
        }
        if (client.isEmpty()) {
            request.abortWith(Problems.response(401, "Unauthorized", "The API key is not valid.", null));
            return;
        }
        String name = client.get();
        boolean secure = request.getSecurityContext() != null && request.getSecurityContext().isSecure();
        request.setSecurityContext(new ClientSecurityContext(name, secure));
    }

    private record ClientSecurityContext(String client, boolean secure) implements SecurityContext {
        @Override
        public Principal getUserPrincipal() {
            return () -> client;
        }

        @Override
        public boolean isUserInRole(String role) {
            return false;
        }

        @Override
        public boolean isSecure() {
            return secure;
        }

        @Override
        public String getAuthenticationScheme() {
            return "Bearer";
        }
    }
}
