package io.jobpulse.websocket;

import io.jobpulse.job.EventKind;
import io.jobpulse.job.JobEvent;
import io.jobpulse.metrics.Counter;
import io.jobpulse.metrics.NodeMetrics;
import io.jobpulse.protocol.AppCloseCode;
import io.jobpulse.protocol.ServerMessage;
import io.jobpulse.runtime.Ticker;
import jakarta.websocket.CloseReason;
import jakarta.websocket.SendResult;
import jakarta.websocket.Session;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Sends to one session one message at a time (containers forbid overlapping sends), in the order queued, without
 * blocking the caller. While a send is in flight, what follows waits in an {@link OutboxQueue}, where a lagging
 * client's progress events are coalesced per job; when the send completes, what waits goes out in one {@code batch}
 * frame if the connection speaks {@code jobpulse.v2} (no delay is ever added to make a batch). A client that stays
 * behind past a hard bound (messages or bytes waiting, or one send unfinished for too long) is closed with {@link AppCloseCode#LAGGING} and resumes with
 * {@code since} when it reconnects; each such close is logged at WARNING and counted.
 */
final class SessionOutbox {

    private static final Logger LOG = Logger.getLogger(SessionOutbox.class.getName());
    private static final ThreadLocal<SessionOutbox> PUMPING = new ThreadLocal<>();

    /**
     * The hard bounds of one outbox, its send window ({@link SendWindow}), and how many characters of waiting
     * messages may go out together as one {@code batch} frame (0: one message per frame, as {@code jobpulse.v1}).
     */
    record Bounds(int messages, long bytes, long window, Duration lag, int batchChars) {}

    private final Session session;
    private final Bounds bounds;
    private final NodeMetrics metrics;
    /** Runs closes and pings, which may block on a client that does not read. */
    private final Executor closer;

    private final Ticker ticker;
    private final OutboxQueue queue = new OutboxQueue();
    private final SendWindow window;
    private long inFlightSince;
    private boolean inFlight;
    private boolean pingSending;
    private boolean closed;

    SessionOutbox(Session session, Bounds bounds, NodeMetrics metrics, Executor closer, Ticker ticker) {
        this.session = session;
        this.ticker = ticker;
        this.bounds = bounds;
        this.metrics = metrics;
        this.closer = closer;
        this.window = new SendWindow(bounds.window());
    }

    /** A message that is never replaced: answers, the opening of a subscription (snapshot, replay). */
    void send(ServerMessage message, String job) {
        String overflow;
        synchronized (this) {
            if (closed) {
                return;
            }
            queue.add(message, job);
            overflow = overflow();
        }
        afterAdd(overflow);
    }

    /** A live event of a job, encoded once for all its watchers. */
    void sendLive(JobEvent event, String text) {
        String overflow;
        synchronized (this) {
            if (closed) {
                return;
            }
            long before = queue.coalesced();
            queue.addLive(event.jobId().value(), event.seq(), event.kind() == EventKind.PROGRESS, text);
            if (queue.coalesced() != before) {
                metrics.increment(Counter.WS_PROGRESS_COALESCED);
            }
            overflow = overflow();
        }
        afterAdd(overflow);
    }

    private void afterAdd(String overflow) {
        if (overflow != null) {
            lagging(overflow);
        } else {
            pump();
        }
    }

    /** Why the queue is over its bounds, or null. */
    private String overflow() {
        if (queue.size() > bounds.messages()) {
            return queue.size() + " messages waiting (limit " + bounds.messages() + ")";
        }
        if (queue.bytes() > bounds.bytes()) {
            return queue.bytes() + " bytes waiting (limit " + bounds.bytes() + ")";
        }
        return null;
    }

    /**
     * Closes the session with 4008 when one send has been unfinished, or one ping unanswered, for longer than the lag
     * bound: the client stopped reading.
     */
    void checkLag(long nowNanos) {
        String reason;
        synchronized (this) {
            long send = inFlight ? nowNanos - inFlightSince : 0;
            long ping = window.oldestUnansweredNanos(nowNanos);
            if (closed || Math.max(send, ping) <= bounds.lag().toNanos()) {
                return;
            }
            reason = (send >= ping
                            ? "one send unfinished for "
                                    + Duration.ofNanos(send).toMillis()
                            : "a ping unanswered for " + Duration.ofNanos(ping).toMillis())
                    + " ms (limit "
                    + bounds.lag().toMillis() + " ms), " + window.unconfirmedBytes() + " bytes unconfirmed, "
                    + queue.size() + " messages / " + queue.bytes() + " bytes waiting";
        }
        lagging(reason);
    }

    /** The client answered a ping: the window slides on, and whatever waited for it may go. */
    void pong(ByteBuffer payload) {
        if (payload.remaining() != Long.BYTES) {
            return; // not one of ours
        }
        synchronized (this) {
            window.answered(payload.getLong(payload.position()));
        }
        pump();
    }

    private void lagging(String figures) {
        long coalesced;
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
            coalesced = queue.coalesced();
            queue.clear();
        }
        metrics.increment(Counter.WS_CLOSED_LAGGING);
        LOG.warning(() -> "Closing WebSocket session " + session.getId() + " with " + AppCloseCode.LAGGING.code()
                + ": the client does not keep up: " + figures + "; " + coalesced + " progress events coalesced before");
        closeLater(new CloseReason(
                CloseReason.CloseCodes.getCloseCode(AppCloseCode.LAGGING.code()), AppCloseCode.LAGGING.reason()));
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
                ServerMessage next = null;
                long ping = -1;
                synchronized (this) {
                    if (closed) {
                        return;
                    }
                    long now = ticker.nanoTime();
                    if (!pingSending) {
                        ping = window.pingDue(now);
                        pingSending = ping >= 0;
                    }
                    if (!inFlight && window.open()) {
                        next = batchOf(queue.pollUpTo(bounds.batchChars())); // 0 (v1): always one message
                    }
                    if (next != null) {
                        window.sent(OutboxQueue.chars(next));
                        inFlight = true;
                        inFlightSince = now;
                    }
                }
                if (ping >= 0) {
                    sendPingLater(ping);
                }
                if (next == null) {
                    return; // nothing to send, a send under way, or waiting for the client to confirm what it read
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

    /** One message as it is, several as one batch (counted), none as null. */
    private ServerMessage batchOf(List<ServerMessage> messages) {
        if (messages.size() < 2) {
            return messages.isEmpty() ? null : messages.get(0);
        }
        metrics.increment(Counter.WS_BATCHES_SENT);
        return new ServerMessage.Batch(messages);
    }

    /**
     * Sends a ping carrying its id off the caller's thread: containers may write pings with a blocking write (Tomcat
     * does, bounded by its blocking send timeout), which must never stall the fan-out. A ping that cannot be written
     * means the client does not read: 4008.
     */
    private void sendPingLater(long id) {
        Runnable ping = () -> {
            try {
                session.getAsyncRemote()
                        .sendPing(ByteBuffer.allocate(Long.BYTES).putLong(0, id));
            } catch (IOException | RuntimeException e) {
                LOG.log(Level.FINE, e, () -> "Ping to WebSocket session " + session.getId() + " failed");
                lagging("a ping could not be written (" + e + ")");
            } finally {
                synchronized (this) {
                    pingSending = false;
                }
            }
            pump();
        };
        try {
            closer.execute(ping);
        } catch (RejectedExecutionException e) {
            synchronized (this) {
                pingSending = false;
            }
            lagging("no thread to send a ping (" + e + ")");
        }
    }

    private void completed(SendResult result) {
        synchronized (this) {
            inFlight = false;
        }
        if (!result.isOK()) {
            failed(result.getException());
            return;
        }
        pump();
    }

    /**
     * A send failed. With a ping unanswered the client had stopped reading (Tomcat fails the pending write when a
     * ping times out behind it): that is lagging, 4008. Otherwise 1011.
     */
    private void failed(Throwable failure) {
        boolean stalled;
        synchronized (this) {
            stalled = window.oldestUnansweredNanos(ticker.nanoTime()) > 0;
        }
        if (stalled) {
            lagging("a send failed while the client had not answered a ping (" + failure + ")");
            return;
        }
        boolean wasOpen;
        synchronized (this) {
            wasOpen = !closed;
            closed = true;
            queue.clear();
        }
        if (wasOpen && session.isOpen()) {
            // the client going away mid-send (reset, broken pipe) is routine; anything else is worth a look
            LOG.log(
                    failure instanceof IOException ? Level.FINE : Level.WARNING,
                    failure,
                    () -> "Send to WebSocket session " + session.getId() + " failed");
            closeLater(new CloseReason(CloseReason.CloseCodes.UNEXPECTED_CONDITION, "send failed"));
        }
    }

    /** Closes off the caller's thread: a close to a client that does not read can block for the container's timeout. */
    private void closeLater(CloseReason reason) {
        try {
            closer.execute(() -> close(reason));
        } catch (RejectedExecutionException e) {
            close(reason);
        }
    }

    private void close(CloseReason reason) {
        try {
            session.close(reason);
        } catch (IOException | RuntimeException e) {
            LOG.log(Level.FINE, e, () -> "Closing WebSocket session " + session.getId() + " failed");
        }
    }

    /** Bytes of the messages waiting to be sent (the metrics' outbox gauge). */
    synchronized long waitingBytes() {
        return queue.bytes();
    }
}
