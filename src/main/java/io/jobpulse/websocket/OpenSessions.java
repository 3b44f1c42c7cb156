package io.jobpulse.websocket;

import io.jobpulse.config.JobPulseConfig;
import io.jobpulse.config.WebSocketSettings;
import io.jobpulse.metrics.Counter;
import io.jobpulse.metrics.NodeMetrics;
import io.jobpulse.protocol.AppCloseCode;
import io.jobpulse.runtime.ContainerExecutors;
import io.jobpulse.runtime.Ticker;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.BeforeDestroyed;
import jakarta.enterprise.context.Initialized;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import jakarta.websocket.CloseReason;
import jakarta.websocket.Session;
import java.io.IOException;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The WebSocket connections open on this node, and the limits on how many: in all, per remote address (both checked
 * at the handshake by {@link HandshakeFilter}) and per API client. A sweep closes connections whose client sent
 * nothing for {@code jobpulse.ws.idle-timeout} (4000: the same code on every container, whose own idle timeouts
 * differ), that did not subscribe within {@code jobpulse.ws.subscribe-deadline} (4001), or that lag (4008). All
 * are closed with 1001 when the application stops.
 */
@ApplicationScoped
public class OpenSessions {

    private static final Logger LOG = Logger.getLogger(OpenSessions.class.getName());

    @Inject
    JobPulseConfig config;

    @Inject
    ContainerExecutors executors;

    @Inject
    NodeMetrics metrics;

    @Inject
    Ticker ticker;

    private record Open(Connection connection, String address) {}

    private final Map<Session, Open> connections = new ConcurrentHashMap<>();
    /** Connections open or admitted at the handshake and about to open. */
    private final AtomicInteger admitted = new AtomicInteger();

    private KeyedCounts perAddress;
    private KeyedCounts perClient;
    private ScheduledFuture<?> sweep;

    void start(@Observes @Initialized(ApplicationScoped.class) Object contextStarted) {
        WebSocketSettings limits = config.websocket();
        perAddress = new KeyedCounts(limits.maxConnectionsPerAddress());
        perClient = new KeyedCounts(limits.maxConnectionsPerClient());
        long period = Math.max(
                250,
                Math.min(
                                limits.idleTimeout().toMillis(),
                                Math.min(
                                        limits.subscribeDeadline().toMillis(),
                                        limits.maxLag().toMillis()))
                        / 4);
        sweep = executors.scheduler().scheduleWithFixedDelay(this::sweep, period, period, TimeUnit.MILLISECONDS);
    }

    /**
     * Admits a handshake from this address, counting it against the node's and the address's limits before the
     * upgrade; or says why it must be refused (nothing counted then). An admitted handshake that does not open a
     * session must be {@link #withdraw withdrawn}; one that does is counted until its session is removed.
     */
    Optional<HandshakeRefusal> admit(String address) {
        int max = config.websocket().maxConnections();
        if (admitted.incrementAndGet() > max) {
            admitted.decrementAndGet();
            return Optional.of(HandshakeRefusal.nodeFull(max));
        }
        if (!perAddress.tryAcquire(address)) {
            admitted.decrementAndGet();
            return Optional.of(HandshakeRefusal.addressFull(perAddress.limit()));
        }
        return Optional.empty();
    }

    /** Gives back what {@link #admit} counted, for a handshake that did not become a session. */
    void withdraw(String address) {
        admitted.decrementAndGet();
        perAddress.release(address);
    }

    /** A session opened after its handshake was admitted from {@code address}. */
    void add(Session session, Connection connection, String address) {
        connections.put(session, new Open(connection, address));
    }

    /** Claims a slot for the API client whose jobs a connection watches; false when the client has none left. */
    boolean claimClient(String client) {
        return perClient.tryAcquire(client);
    }

    void remove(Session session) {
        Open open = connections.remove(session);
        if (open != null) {
            withdraw(open.address());
            if (open.connection().client() != null) {
                perClient.release(open.connection().client());
            }
        }
    }

    /** The time the sweep and every connection's limits are measured in. */
    Ticker ticker() {
        return ticker;
    }

    public int size() {
        return connections.size();
    }

    /** Bytes of messages waiting in the open connections' outboxes now. */
    public long outboxBytes() {
        long sum = 0;
        for (Open open : connections.values()) {
            sum += open.connection().outbox().waitingBytes();
        }
        return sum;
    }

    private void sweep() {
        long now = ticker.nanoTime();
        long idle = config.websocket().idleTimeout().toNanos();
        long deadline = config.websocket().subscribeDeadline().toNanos();
        connections.forEach((session, open) -> {
            Connection connection = open.connection();
            if (connection.idleNanos(now) > idle) {
                closeFor(session, AppCloseCode.IDLE_TIMEOUT);
            } else if (connection.unsubscribedNanos(now) > deadline) {
                closeFor(session, AppCloseCode.NO_SUBSCRIPTION);
            } else {
                connection.outbox().checkLag(now);
            }
        });
    }

    /** Closes a session with one of JobPulse's codes, counted, off the caller's thread. */
    void closeFor(Session session, AppCloseCode code) {
        Counter counter = switch (code) {
            case IDLE_TIMEOUT -> Counter.WS_CLOSED_IDLE;
            case NO_SUBSCRIPTION -> Counter.WS_CLOSED_NO_SUBSCRIBE;
            case LAGGING -> Counter.WS_CLOSED_LAGGING;
            case CLIENT_CONNECTIONS -> Counter.WS_CLOSED_CLIENT_CONNECTIONS;
            case RATE_LIMITED -> Counter.WS_CLOSED_RATE;
        };
        metrics.increment(counter);
        if (code != AppCloseCode.IDLE_TIMEOUT && code != AppCloseCode.NO_SUBSCRIPTION) {
            LOG.warning(() -> "Closing WebSocket session " + session.getId() + " with " + code.code() + " ("
                    + code.reason() + ")");
        }
        CloseReason reason = new CloseReason(CloseReason.CloseCodes.getCloseCode(code.code()), code.reason());
        try {
            executors.clientIo().execute(() -> close(session, reason));
        } catch (RejectedExecutionException e) {
            close(session, reason);
        }
    }

    void closeAll(@Observes @BeforeDestroyed(ApplicationScoped.class) Object contextStopping) {
        if (sweep != null) {
            sweep.cancel(false);
        }
        CloseReason goingAway = new CloseReason(CloseReason.CloseCodes.GOING_AWAY, "server shutting down");
        connections.keySet().forEach(session -> close(session, goingAway));
        connections.clear();
    }

    private static void close(Session session, CloseReason reason) {
        try {
            session.close(reason);
        } catch (IOException | RuntimeException e) {
            LOG.log(Level.FINE, e, () -> "Could not close WebSocket session " + session.getId());
        }
    }
}
