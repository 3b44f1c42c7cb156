package io.jobpulse.protocol;

/**
 * JobPulse's own WebSocket close codes. 4000-4499: reconnect (with backoff) and resume with {@code since};
 * 4500-4999: do not reconnect, something must change first.
 */
public enum AppCloseCode {
    /** No message from the client for {@code jobpulse.ws.idle-timeout}: it is presumed dead. Reconnect, ping regularly. */
    IDLE_TIMEOUT(4000, "idle timeout"),
    /** The server could not keep up sending to this client (outbox full); reconnect and resume. */
    LAGGING(4008, "client too slow, resume with since");

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
