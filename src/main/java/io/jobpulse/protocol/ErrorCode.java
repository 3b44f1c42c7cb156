package io.jobpulse.protocol;

import java.util.Locale;

/** The {@code code} of an error message; each answers one request and leaves the connection open. */
public enum ErrorCode {
    /** Unknown job, malformed id, or a token that does not grant this job: deliberately indistinguishable. */
    NOT_FOUND,
    /** A known message type with missing or wrongly typed fields. */
    INVALID_MESSAGE,
    /** Subscribing to a job this connection already watches. */
    ALREADY_SUBSCRIBED,
    /** Unsubscribing from a job this connection does not watch. */
    NOT_SUBSCRIBED,
    /** The connection already holds the maximum number of subscriptions. */
    TOO_MANY_SUBSCRIPTIONS,
    /** The server could not complete the request (for example its database is unreachable); try again later. */
    UNAVAILABLE;

    public String wire() {
        return name().toLowerCase(Locale.ROOT);
    }
}
