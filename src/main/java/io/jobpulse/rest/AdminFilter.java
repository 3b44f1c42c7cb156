package io.jobpulse.rest;

import io.jobpulse.http.ApiProblem;
import io.jobpulse.http.Problems;
import io.jobpulse.security.AdminRole;
import jakarta.annotation.Priority;
import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;
import jakarta.ws.rs.ext.Provider;

/**
 * Refuses, with 403, a request to a resource marked {@link AdminOnly} from an API client without the admin role. Runs
 * after {@link ApiKeyFilter}, which answered 401 already when there was no valid key.
 */
@Provider
@AdminOnly
@Priority(Priorities.AUTHORIZATION)
public class AdminFilter implements ContainerRequestFilter {

    @Override
    public void filter(ContainerRequestContext request) {
        if (request.getSecurityContext() == null
                || !request.getSecurityContext().isUserInRole(AdminRole.ROLE)) {
            request.abortWith(Problems.response(new ApiProblem(
                    403, "Forbidden", "This API client does not have the admin role (jobpulse.admin-clients).")));
        }
    }
}
