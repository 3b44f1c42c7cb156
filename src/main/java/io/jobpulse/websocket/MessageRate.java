package io.jobpulse.websocket;

/**
 * A token bucket for one connection's inbound messages: {@code perSecond} sustained, with a burst of {@code burst}
 * (a page that reconnects resubscribes all its jobs at once). Not thread-safe: containers deliver one message of a
 * session at a time.
 */
final class MessageRate {

    private static final long NANOS_PER_SECOND = 1_000_000_000L;

    private final double perNano;
    private final double burst;
    private double tokens;
    private long lastNanos;

    MessageRate(int perSecond, int burst, long nowNanos) {
        this.perNano = (double) perSecond / NANOS_PER_SECOND;
        this.burst = burst;
        this.tokens = burst;
        this.lastNanos = nowNanos;
    }

    /** Takes one message's token; false when the connection is over its rate. */
    boolean tryTake(long nowNanos) {
        tokens = Math.min(burst, tokens + (nowNanos - lastNanos) * perNano);
        lastNanos = nowNanos;
        if (tokens < 1) {
            return false;
        }
        tokens -= 1;
        return true;
    }
}
