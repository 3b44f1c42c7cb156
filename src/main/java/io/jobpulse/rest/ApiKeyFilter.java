package io.jobpulse.rest;

import io.jobpulse.http.ApiProblem;
import io.jobpulse.http.Problems;
import io.jobpulse.security.AdminRole;
import jakarta.annotation.Priority;
import jakarta.inject.Inject;
import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.SecurityContext;
import jakarta.ws.rs.ext.Provider;
import java.security.Principal;

/**
 * Authenticates API clients ({@link ApiClientAuthenticator}) on the resources marked {@link Authenticated}; the
 * client's name becomes the request's principal and owns what it submits; its roles are {@link AdminRole}'s.
 */
@Provider
@Authenticated
@Priority(Priorities.AUTHENTICATION)
public class ApiKeyFilter implements ContainerRequestFilter {

    @Inject
    ApiClientAuthenticator authenticator;

    @Inject
    AdminRole admins;

    @Override
    public void filter(ContainerRequestContext request) {
        String name;
        try {
            name = authenticator.authenticate(request.getHeaderString(HttpHeaders.AUTHORIZATION));
        } catch (ApiProblem problem) {
            request.abortWith(Problems.response(problem));
            return;
        }
        boolean secure = request.getSecurityContext() != null
                && request.getSecurityContext().isSecure();
        request.setSecurityContext(new ClientSecurityContext(name, admins.isAdmin(name), secure));
    }

    private record ClientSecurityContext(String client, boolean admin, boolean secure) implements SecurityContext {
        @Override
        public Principal getUserPrincipal() {
            return () -> client;
        }

        @Override
        public boolean isUserInRole(String role) {
            return admin && AdminRole.ROLE.equals(role);
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
