package io.jobpulse.websocket;

import java.util.ArrayDeque;

/**
 * End-to-end flow control for one connection, portable across containers: a container's "send completed" only
 * means the bytes reached its buffers (Tyrus even queues without bound), so JobPulse pings the client every quarter
 * window and counts as read only what was sent before the last ping it answered (RFC 6455 peers answer pings in
 * order, after reading what came before). At most {@code window} bytes are unconfirmed; beyond that the outbox waits
 * and coalesces. Not thread-safe.
 */
final class SendWindow {

    private record Ping(long id, long sentBytes, long atNanos) {}

    private final long window;
    private final ArrayDeque<Ping> unanswered = new ArrayDeque<>();
    private long sent;
    private long confirmed;
    private long lastPingAt;
    private long nextId;

    SendWindow(long window) {
        this.window = window;
    }

    /** Whether another message may be sent now. */
    boolean open() {
        return sent - confirmed < window;
    }

    /** Counts a message handed to the container. */
    void sent(long bytes) {
        sent += bytes;
    }

    /**
     * The id of a ping to send now, registered as unanswered, or -1: one is due every quarter window of bytes sent,
     * and at once when the window is shut with no ping outstanding.
     */
    long pingDue(long nowNanos) {
        boolean due = sent - lastPingAt >= window / 4 || !open() && unanswered.isEmpty();
        if (!due || sent == lastPingAt) {
            return -1;
        }
        lastPingAt = sent;
        Ping ping = new Ping(++nextId, sent, nowNanos);
        unanswered.add(ping);
        return ping.id();
    }

    /** The client answered ping {@code id}: what was sent before it, and before every earlier ping, was read. */
    void answered(long id) {
        while (!unanswered.isEmpty() && unanswered.peek().id() <= id) {
            confirmed = Math.max(confirmed, unanswered.poll().sentBytes());
        }
    }

    /** How long the oldest ping has waited for its answer (0 with none outstanding). */
    long oldestUnansweredNanos(long nowNanos) {
        Ping oldest = unanswered.peek();
        return oldest == null ? 0 : nowNanos - oldest.atNanos();
    }

    long unconfirmedBytes() {
        return sent - confirmed;
    }
}
