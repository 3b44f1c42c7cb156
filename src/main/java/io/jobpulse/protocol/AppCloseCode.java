package io.jobpulse.protocol;

/**
 * JobPulse's own WebSocket close codes. 4000-4499: reconnect (with backoff) and resume with {@code since};
 * 4500-4999: do not reconnect, something must change first.
 */
public enum AppCloseCode {
    /** No message from the client for {@code jobpulse.ws.idle-timeout}: it is presumed dead. Reconnect, ping regularly. */
    IDLE_TIMEOUT(4000, "idle timeout"),
    /**
     * No successful {@code subscribe} within {@code jobpulse.ws.subscribe-deadline} of the handshake. Reconnect when
     * there is a job to watch (not before).
     */
    NO_SUBSCRIPTION(4001, "no subscription"),
    /** The client stayed behind past the outbox or lag bound; reconnect and resume with {@code since}. */
    LAGGING(4008, "client too slow, resume with since"),
    /** The API client of the watched jobs has {@code jobpulse.ws.max-connections-per-client} connections open. */
    CLIENT_CONNECTIONS(4013, "too many connections for this client"),
    /** The client sent more than {@code jobpulse.ws.max-messages-per-second} messages (beyond the burst). */
    RATE_LIMITED(4029, "too many messages");

    private final int code;
    private final String reason;

    AppCloseCode(int code, String reason) {
        this.code = code;
        this.reason = reason;
    }

    public int code() {
        return code;
    }

    public String reason() {
        return reason;
    }

    public boolean reconnect() {
        return code < 4500;
    }
}
