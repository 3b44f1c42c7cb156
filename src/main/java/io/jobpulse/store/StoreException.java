package io.jobpulse.store;

/** The database failed; the message says which operation. */
public class StoreException extends RuntimeException {

    public StoreException(String operation, Throwable cause) {
        super("Job store could not " + operation + ": " + cause.getMessage(), cause);
    }
}
