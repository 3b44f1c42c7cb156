package io.jobpulse.http;

import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.ExceptionMapper;
import jakarta.ws.rs.ext.Provider;

/**
 * Everything else: JAX-RS's own errors (unknown path, wrong method, unsupported media type) keep their status;
 * anything unexpected is logged with an incident id and answered 500 without internals.
 */
@Provider
public class UnexpectedErrorMapper implements ExceptionMapper<Throwable> {

    @Override
    public Response toResponse(Throwable failure) {
        if (failure instanceof WebApplicationException web && web.getResponse().getStatus() < 500) {
            Response.StatusType status = web.getResponse().getStatusInfo();
            return Problems.response(
                    status.getStatusCode(),
                    status.getReasonPhrase(),
                    "The request cannot be served: " + status.getReasonPhrase() + ".");
        }
        return Problems.response(Problems.unexpected(failure));
    }
}
