package io.jobpulse.http;

import io.jobpulse.store.StoreUnavailableException;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.ExceptionMapper;
import jakarta.ws.rs.ext.Provider;

/** The database cannot be reached: 503 with {@code Retry-After}, a passing condition rather than a server error. */
@Provider
public class StoreUnavailableMapper implements ExceptionMapper<StoreUnavailableException> {

    @Override
    public Response toResponse(StoreUnavailableException failure) {
        return Problems.response(Problems.storeUnavailable(failure));
    }
}
