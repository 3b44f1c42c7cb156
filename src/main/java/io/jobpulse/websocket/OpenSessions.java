package io.jobpulse.websocket;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.BeforeDestroyed;
import jakarta.enterprise.event.Observes;
import jakarta.websocket.CloseReason;
import jakarta.websocket.Session;
import java.io.IOException;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.logging.Level;
import java.util.logging.Logger;

/** The WebSocket sessions open on this node, so that an undeploy or shutdown closes them all with 1001. */
@ApplicationScoped
public class OpenSessions {

    private static final Logger LOG = Logger.getLogger(OpenSessions.class.getName());

    private final Set<Session> sessions = ConcurrentHashMap.newKeySet();

    void add(Session session) {
        sessions.add(session);
    }

    void remove(Session session) {
        sessions.remove(session);
    }

    public int size() {
        return sessions.size();
    }

    void closeAll(@Observes @BeforeDestroyed(ApplicationScoped.class) Object contextStopping) {
        CloseReason goingAway = new CloseReason(CloseReason.CloseCodes.GOING_AWAY, "server shutting down");
        for (Session session : sessions) {
            try {
                session.close(goingAway);
            } catch (IOException | RuntimeException e) {
                LOG.log(Level.FINE, e, () -> "Could not close WebSocket session " + session.getId());
            }
        }
        sessions.clear();
    }
}
