package io.jobpulse.fallback;

import io.jobpulse.hub.Opening;
import io.jobpulse.hub.Subscription;
import io.jobpulse.hub.Watcher;
import io.jobpulse.job.JobEvent;
import io.jobpulse.protocol.JobJson;
import io.jobpulse.protocol.ServerMessage;
import io.jobpulse.protocol.SseMessage;
import io.jobpulse.watch.WatchService;
import jakarta.ws.rs.sse.OutboundSseEvent;
import jakarta.ws.rs.sse.Sse;
import jakarta.ws.rs.sse.SseEventSink;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * One Server-Sent Events stream watching one or more jobs. Sends one SSE message at a time, in order, without
 * blocking the publisher. Each message is an {@link SseMessage}: a protocol message as {@code data}, and for
 * snapshots and events the id of their {@code seq} ({@link SseMessage.Ids}). The stream ends after
 * every watched job's terminal event; a client that lets {@code capacity} messages pile up is dropped (it
 * reconnects with its last seq).
 */
final class SseConnection implements Watcher {

    private static final Logger LOG = Logger.getLogger(SseConnection.class.getName());

    private final SseEventSink sink;
    private final Sse sse;
    private final WatchService watching;
    private final SseMessage.Ids ids;
    private final int capacity;
    private final Deque<OutboundSseEvent> queue = new ArrayDeque<>();
    private final List<Subscription> subscriptions = new ArrayList<>();
    private final Set<Subscription> live = new HashSet<>();
    private boolean allStarted;
    private boolean inFlight;
    private boolean finishing;
    private boolean closed;

    SseConnection(SseEventSink sink, Sse sse, WatchService watching, boolean singleJob, int capacity) {
        this.sink = sink;
        this.sse = sse;
        this.watching = watching;
        this.ids = singleJob ? SseMessage.Ids.SEQ : SseMessage.Ids.JOB_AND_SEQ;
        this.capacity = capacity;
    }

    /**
     * Records a subscription this stream holds (called right after it started). If the job ended before this look, it
     * is let go here as {@link #ended} would have; if it ends after, {@link #ended} lets it go.
     */
    void holds(Subscription subscription) {
        synchronized (this) {
            subscriptions.add(subscription);
            live.add(subscription);
        }
        if (subscription.isEnded()) {
            synchronized (this) {
                live.remove(subscription);
            }
            finishIfNothingLeft();
        }
    }

    /** An error about one watch; the stream goes on for the others. */
    void sendMessage(ServerMessage message) {
        enqueue(SseMessage.of(message));
    }

    /** {@code subscribed}, then the snapshot or the replayed events, with their ids. */
    void sendOpening(Opening opening) {
        enqueue(SseMessage.of(new ServerMessage.Subscribed(opening.job().id().value(), opening.resumed())));
        opening.snapshot().ifPresent(snapshot -> enqueue(SseMessage.snapshot(snapshot, ids)));
        opening.replay().forEach(event -> send(event, JobJson.eventText(event)));
    }

    @Override
    public void send(JobEvent event, String text) {
        enqueue(SseMessage.event(event, text, ids));
    }

    @Override
    public void ended(Subscription subscription) {
        synchronized (this) { // the hub already forgot the subscription
            live.remove(subscription);
        }
        finishIfNothingLeft();
    }

    /** Every watch of the request has been started or refused: from now on the stream may end. */
    void allStarted() {
        synchronized (this) {
            allStarted = true;
        }
        finishIfNothingLeft();
    }

    /** Ends the stream once its queue has drained, if no watched job can still change. */
    private void finishIfNothingLeft() {
        synchronized (this) {
            if (!allStarted || !live.isEmpty()) {
                return;
            }
            finishing = true;
        }
        pump();
    }

    void heartbeat() {
        enqueue(sse.newEventBuilder().comment("heartbeat").build());
    }

    synchronized boolean isClosed() {
        return closed;
    }

    /** Stops watching and closes the stream. */
    void close() {
        List<Subscription> all;
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
            queue.clear();
            all = List.copyOf(subscriptions);
            subscriptions.clear();
        }
        all.forEach(watching::unwatch);
        closeSink();
    }

    private void enqueue(SseMessage message) {
        OutboundSseEvent.Builder event = sse.newEventBuilder();
        message.id().ifPresent(event::id);
        enqueue(event.data(message.data()).build());
    }

    private void enqueue(OutboundSseEvent event) {
        boolean overflow;
        synchronized (this) {
            if (closed) {
                return;
            }
            overflow = queue.size() >= capacity;
            if (!overflow) {
                queue.add(event);
            }
        }
        if (overflow) {
            LOG.warning(() -> "Closing an SSE stream: " + capacity + " messages waiting, the client does not keep up");
            close();
            return;
        }
        pump();
    }

    private void pump() {
        OutboundSseEvent next;
        boolean finish = false;
        synchronized (this) {
            if (inFlight || closed) {
                return;
            }
            next = queue.poll();
            if (next != null) {
                inFlight = true;
            } else if (finishing) {
                closed = true;
                finish = true;
            }
        }
        if (finish) {
            closeSink();
        } else if (next != null) {
            try {
                sink.send(next).whenComplete((ok, failure) -> completed(failure));
            } catch (RuntimeException e) {
                completed(e);
            }
        }
    }

    private void completed(Throwable failure) {
        synchronized (this) {
            inFlight = false;
        }
        if (failure != null) {
            LOG.log(Level.FINE, failure, () -> "SSE client went away");
            close();
            return;
        }
        pump();
    }

    private void closeSink() {
        try {
            sink.close();
        } catch (RuntimeException e) {
            LOG.log(Level.FINE, e, () -> "Closing an SSE stream failed");
        }
    }
}
