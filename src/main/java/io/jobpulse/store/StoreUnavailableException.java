package io.jobpulse.store;

/**
 * The database cannot be reached (no connection, connection lost, server shutting down or refusing connections):
 * a passing condition, answered 503 with Retry-After by the API, unlike a failure of the statement itself.
 */
public class StoreUnavailableException extends StoreException {

    public StoreUnavailableException(String operation, Throwable cause) {
        super(operation, cause);
    }
}
