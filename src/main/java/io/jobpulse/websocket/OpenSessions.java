package io.jobpulse.websocket;

import io.jobpulse.config.JobPulseConfig;
import io.jobpulse.protocol.AppCloseCode;
import io.jobpulse.runtime.ContainerExecutors;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.BeforeDestroyed;
import jakarta.enterprise.context.Initialized;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import jakarta.websocket.CloseReason;
import jakarta.websocket.Session;
import java.io.IOException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The WebSocket connections open on this node. Closes those whose client sent nothing for
 * {@code jobpulse.ws.idle-timeout} with 4000 (the same code on every container, whose own idle timeouts close
 * with different codes), and closes all with 1001 when the application stops.
 */
@ApplicationScoped
public class OpenSessions {

    private static final Logger LOG = Logger.getLogger(OpenSessions.class.getName());

    @Inject
    JobPulseConfig config;
    @Inject
    ContainerExecutors executors;

    private final Map<Session, Connection> connections = new ConcurrentHashMap<>();
    private ScheduledFuture<?> idleSweep;

    void start(@Observes @Initialized(ApplicationScoped.class) Object contextStarted) {
        long period = Math.max(250, config.idleTimeout().toMillis() / 4);
        idleSweep = executors.scheduler().scheduleWithFixedDelay(this::closeIdle, period, period, TimeUnit.MILLISECONDS);
    }

    void add(Session session, Connection connection) {
        connections.put(session, connection);
    }

    void remove(Session session) {
        connections.remove(session);
    }

    public int size() {
        return connections.size();
    }

    private void closeIdle() {
        long now = System.nanoTime();
        long limit = config.idleTimeout().toNanos();
        connections.forEach((session, connection) -> {
            if (connection.idleNanos(now) > limit) {
                connections.remove(session);
                close(session, new CloseReason(CloseReason.CloseCodes.getCloseCode(AppCloseCode.IDLE_TIMEOUT.code()),
                        AppCloseCode.IDLE_TIMEOUT.reason()));
            }
        });
    }

    void closeAll(@Observes @BeforeDestroyed(ApplicationScoped.class) Object contextStopping) {
        if (idleSweep != null) {
            idleSweep.cancel(false);
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
