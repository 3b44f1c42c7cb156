package io.jobpulse.websocket;

import io.jobpulse.hub.Opening;
import io.jobpulse.hub.Subscription;
import io.jobpulse.hub.WatchService;
import io.jobpulse.hub.Watcher;
import io.jobpulse.job.JobEvent;
import io.jobpulse.job.JobId;
import io.jobpulse.protocol.ClientMessage;
import io.jobpulse.protocol.ErrorCode;
import io.jobpulse.protocol.ServerMessage;
import io.jobpulse.store.StoreException;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.logging.Level;
import java.util.logging.Logger;

/** One WebSocket connection's subscriptions and its answers to client messages. */
final class Connection implements Watcher {

    private static final Logger LOG = Logger.getLogger(Connection.class.getName());

    private final SessionOutbox outbox;
    private final WatchService watching;
    private final int maxSubscriptions;
    private final Map<String, Subscription> subscriptions = new ConcurrentHashMap<>();
    private volatile long lastMessageNanos = System.nanoTime();

    Connection(SessionOutbox outbox, WatchService watching, int maxSubscriptions) {
        this.outbox = outbox;
        this.watching = watching;
        this.maxSubscriptions = maxSubscriptions;
    }

    void handle(ClientMessage message) {
        lastMessageNanos = System.nanoTime();
        if (message instanceof ClientMessage.Subscribe s) {
            subscribe(s);
        } else if (message instanceof ClientMessage.Unsubscribe u) {
            unsubscribe(u.job());
        } else if (message instanceof ClientMessage.Ping p) {
            outbox.send(new ServerMessage.Pong(p.id()));
        } else if (message instanceof ClientMessage.Invalid i) {
            outbox.send(new ServerMessage.Error(i.job(), ErrorCode.INVALID_MESSAGE, i.type() + ": " + i.reason()));
        }
    }

    private void subscribe(ClientMessage.Subscribe s) {
        if (subscriptions.containsKey(s.job())) {
            outbox.send(new ServerMessage.Error(s.job(), ErrorCode.ALREADY_SUBSCRIBED, "this connection already watches the job"));
            return;
        }
        if (subscriptions.size() >= maxSubscriptions) {
            outbox.send(new ServerMessage.Error(s.job(), ErrorCode.TOO_MANY_SUBSCRIPTIONS,
                    "at most " + maxSubscriptions + " subscriptions per connection"));
            return;
        }
        Optional<Subscription> started;
        try {
            started = watching.watch(s.job(), s.token(), s.since(), this, this::sendOpening);
        } catch (StoreException e) {
            LOG.log(Level.WARNING, e, () -> "Subscribe failed");
            outbox.send(new ServerMessage.Error(s.job(), ErrorCode.UNAVAILABLE, "the job store is unavailable, try again"));
            return;
        }
        if (started.isEmpty()) {
            outbox.send(new ServerMessage.Error(s.job(), ErrorCode.NOT_FOUND, "no such job, or the token does not grant it"));
        } else {
            subscriptions.put(s.job(), started.get());
            if (started.get().isEnded()) {
                subscriptions.remove(s.job(), started.get());
            }
        }
    }

    private void sendOpening(Opening opening) {
        opening.messages().forEach(outbox::send);
    }

    private void unsubscribe(String job) {
        Subscription subscription = subscriptions.remove(job);
        if (subscription == null) {
            outbox.send(new ServerMessage.Error(job, ErrorCode.NOT_SUBSCRIBED, "this connection does not watch the job"));
            return;
        }
        watching.unwatch(subscription);
    }

    @Override
    public void send(JobEvent event, String text) {
        outbox.send(new ServerMessage.Event(text));
    }

    @Override
    public void ended(Subscription subscription) {
        JobId job = subscription.job();
        subscriptions.remove(job.value(), subscription);
        watching.unwatch(subscription);
    }

    void close() {
        outbox.discard();
        List.copyOf(subscriptions.values()).forEach(watching::unwatch);
        subscriptions.clear();
    }

    /** How long the client has sent nothing. */
    long idleNanos(long nowNanos) {
        return nowNanos - lastMessageNanos;
    }

    int subscriptionCount() {
        return subscriptions.size();
    }
}
