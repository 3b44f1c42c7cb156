package io.jobpulse.websocket;

import io.jobpulse.protocol.AppCloseCode;
import io.jobpulse.protocol.ServerMessage;
import jakarta.websocket.CloseReason;
import jakarta.websocket.SendResult;
import jakarta.websocket.Session;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Sends to one session one message at a time (containers forbid overlapping sends), in the order queued, without
 * blocking the caller. At most {@code capacity} messages wait; a client that lets more pile up is closed with
 * {@link AppCloseCode#LAGGING} and resumes with {@code since} when it reconnects.
 */
final class SessionOutbox {

    private static final Logger LOG = Logger.getLogger(SessionOutbox.class.getName());
    private static final ThreadLocal<SessionOutbox> PUMPING = new ThreadLocal<>();

    private final Session session;
    private final int capacity;
    private final Deque<ServerMessage> queue = new ArrayDeque<>();
    private boolean inFlight;
    private boolean closed;

    SessionOutbox(Session session, int capacity) {
        this.session = session;
        this.capacity = capacity;
    }

    void send(ServerMessage message) {
        boolean overflow = false;
        synchronized (this) {
            if (closed) {
                return;
            }
            if (queue.size() >= capacity) {
                overflow = true;
                closed = true;
                queue.clear();
            } else {
                queue.add(message);
            }
        }
        if (overflow) {
            LOG.warning(() -> "Closing WebSocket session " + session.getId() + ": " + capacity
                    + " messages waiting, the client does not keep up");
            close(new CloseReason(CloseReason.CloseCodes.getCloseCode(AppCloseCode.LAGGING.code()),
                    AppCloseCode.LAGGING.reason()));
            return;
        }
        pump();
    }

    /** Stops sending; whatever is queued is dropped. */
    synchronized void discard() {
        closed = true;
        queue.clear();
    }

    private void pump() {
        if (PUMPING.get() == this) {
            return; // a send completed inline on the pumping thread: the loop below goes on
        }
        PUMPING.set(this);
        try {
            while (true) {
                ServerMessage next;
                synchronized (this) {
                    if (inFlight || closed || queue.isEmpty()) {
                        return;
                    }
                    next = queue.poll();
                    inFlight = true;
                }
                try {
                    session.getAsyncRemote().sendObject(next, this::completed);
                } catch (RuntimeException e) {
                    completed(new SendResult(e));
                }
            }
        } finally {
            PUMPING.remove();
        }
    }

    private void completed(SendResult result) {
        synchronized (this) {
            inFlight = false;
        }
        if (!result.isOK()) {
            boolean wasOpen;
            synchronized (this) {
                wasOpen = !closed;
                closed = true;
                queue.clear();
            }
            if (wasOpen && session.isOpen()) {
                LOG.log(Level.WARNING, result.getException(), () -> "Send to WebSocket session " + session.getId() + " failed");
                close(new CloseReason(CloseReason.CloseCodes.UNEXPECTED_CONDITION, "send failed"));
            }
            return;
        }
        pump();
    }

    private void close(CloseReason reason) {
        try {
            session.close(reason);
        } catch (IOException | RuntimeException e) {
            LOG.log(Level.FINE, e, () -> "Closing WebSocket session " + session.getId() + " failed");
        }
    }
}
