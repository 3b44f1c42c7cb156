package io.jobpulse.websocket;

import io.jobpulse.hub.Opening;
import io.jobpulse.hub.Subscription;
import io.jobpulse.hub.Watcher;
import io.jobpulse.job.JobEvent;
import io.jobpulse.protocol.AppCloseCode;
import io.jobpulse.protocol.ClientMessage;
import io.jobpulse.protocol.ErrorCode;
import io.jobpulse.protocol.ServerMessage;
import io.jobpulse.runtime.Ticker;
import io.jobpulse.store.StoreException;
import io.jobpulse.watch.WatchService;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.function.Predicate;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * One WebSocket connection's subscriptions and its answers to client messages, within its limits: message rate
 * (4029), subscriptions (error), and connections per API client, counted when the first subscription names the
 * client (4013).
 */
final class Connection implements Watcher {

    private static final Logger LOG = Logger.getLogger(Connection.class.getName());

    /** What a connection asks of the node: a slot for its API client, and closing its session. */
    record Supervision(Predicate<String> claimClient, Consumer<AppCloseCode> close) {}

    private final SessionOutbox outbox;
    private final WatchService watching;
    private final int maxSubscriptions;
    private final MessageRate rate;
    private final Supervision supervision;
    private final Ticker ticker;
    private final long openedNanos;
    private final Map<String, Subscription> subscriptions = new ConcurrentHashMap<>();
    private volatile long lastMessageNanos;
    private volatile boolean subscribedOnce;
    private volatile String client;
    private boolean refusing;

    Connection(
            SessionOutbox outbox,
            WatchService watching,
            int maxSubscriptions,
            int messagesPerSecond,
            Supervision supervision,
            Ticker ticker) {
        this.outbox = outbox;
        this.ticker = ticker;
        this.watching = watching;
        this.maxSubscriptions = maxSubscriptions;
        this.supervision = supervision;
        this.openedNanos = ticker.nanoTime();
        this.lastMessageNanos = openedNanos;
        this.rate = new MessageRate(messagesPerSecond, maxSubscriptions + messagesPerSecond, openedNanos);
    }

    void handle(ClientMessage message) {
        long now = ticker.nanoTime();
        lastMessageNanos = now;
        if (refusing) {
            return;
        }
        if (!rate.tryTake(now)) {
            refusing = true;
            supervision.close().accept(AppCloseCode.RATE_LIMITED);
            return;
        }
        if (message instanceof ClientMessage.Subscribe s) {
            subscribe(s);
        } else if (message instanceof ClientMessage.Unsubscribe u) {
            unsubscribe(u.job());
        } else if (message instanceof ClientMessage.Ping p) {
            outbox.send(new ServerMessage.Pong(p.id()), null);
        } else if (message instanceof ClientMessage.Invalid i) {
            error(i.job(), ErrorCode.INVALID_MESSAGE, i.type() + ": " + i.reason());
        }
    }

    private void subscribe(ClientMessage.Subscribe s) {
        if (subscriptions.containsKey(s.job())) {
            error(s.job(), ErrorCode.ALREADY_SUBSCRIBED, "this connection already watches the job");
            return;
        }
        if (subscriptions.size() >= maxSubscriptions) {
            error(
                    s.job(),
                    ErrorCode.TOO_MANY_SUBSCRIPTIONS,
                    "at most " + maxSubscriptions + " subscriptions per connection");
            return;
        }
        Optional<Subscription> started;
        try {
            started = watching.watch(s.job(), s.token(), s.since(), this, this::opening);
        } catch (StoreException e) {
            LOG.log(Level.WARNING, e, () -> "Subscribe failed");
            error(s.job(), ErrorCode.UNAVAILABLE, "the job store is unavailable, try again");
            return;
        }
        if (started.isEmpty()) {
            if (!refusing) {
                outbox.send(ServerMessage.Error.notFound(s.job()), s.job());
            }
            return;
        }
        subscribedOnce = true;
        subscriptions.put(s.job(), started.get());
        if (started.get().isEnded() || refusing) {
            subscriptions.remove(s.job(), started.get());
            watching.unwatch(started.get());
        }
    }

    /** The first subscription binds the connection to the jobs' API client, if that client has a slot left. */
    private void opening(Opening opening) {
        if (client == null && !refusing) {
            String owner = opening.job().owner();
            if (supervision.claimClient().test(owner)) {
                client = owner;
            } else {
                refusing = true;
                supervision.close().accept(AppCloseCode.CLIENT_CONNECTIONS);
                return;
            }
        }
        if (!refusing) {
            String job = opening.job().id().value();
            opening.messages().forEach(m -> outbox.send(m, job));
        }
    }

    private void error(String job, ErrorCode code, String message) {
        outbox.send(new ServerMessage.Error(job, code, message), job);
    }

    private void unsubscribe(String job) {
        Subscription subscription = subscriptions.remove(job);
        if (subscription == null) {
            error(job, ErrorCode.NOT_SUBSCRIBED, "this connection does not watch the job");
            return;
        }
        watching.unwatch(subscription);
    }

    @Override
    public void send(JobEvent event, String text) {
        outbox.sendLive(event, text);
    }

    @Override
    public void ended(Subscription subscription) {
        subscriptions.remove(subscription.job().value(), subscription); // the hub already forgot it
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

    /** How long the connection has been open without a successful subscribe; 0 once it had one. */
    long unsubscribedNanos(long nowNanos) {
        return subscribedOnce ? 0 : nowNanos - openedNanos;
    }

    /** The API client this connection counts against, once its first subscription named one. */
    String client() {
        return client;
    }

    SessionOutbox outbox() {
        return outbox;
    }

    int subscriptionCount() {
        return subscriptions.size();
    }
}
