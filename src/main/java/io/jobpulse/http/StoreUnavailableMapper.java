package io.jobpulse.http;

import io.jobpulse.store.StoreUnavailableException;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.ExceptionMapper;
import jakarta.ws.rs.ext.Provider;
import java.util.logging.Level;
import java.util.logging.Logger;

/** The database cannot be reached: 503 with {@code Retry-After}, a passing condition rather than a server error. */
@Provider
public class StoreUnavailableMapper implements ExceptionMapper<StoreUnavailableException> {

    static final int RETRY_AFTER_SECONDS = 5;
    private static final Logger LOG = Logger.getLogger(StoreUnavailableMapper.class.getName());

    @Override
    public Response toResponse(StoreUnavailableException failure) {
        LOG.log(Level.WARNING, failure, () -> "The JobPulse database cannot be reached; answering 503");
        return Response.fromResponse(Problems.response(
                        503,
                        "Service Unavailable",
                        "The job store cannot be reached just now; retry in a few seconds."))
                .header("Retry-After", RETRY_AFTER_SECONDS)
                .build();
    }
}
