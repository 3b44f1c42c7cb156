package io.jobpulse.websocket;

import io.jobpulse.config.JobPulseConfig;
import io.jobpulse.config.WebSocketSettings;
import io.jobpulse.metrics.Counter;
import io.jobpulse.metrics.NodeMetrics;
import io.jobpulse.protocol.ClientMessage;
import io.jobpulse.protocol.ClientMessageDecoder;
import io.jobpulse.protocol.MessageTooBigException;
import io.jobpulse.protocol.ServerMessageEncoder;
import io.jobpulse.runtime.ContainerExecutors;
import io.jobpulse.watch.WatchService;
import jakarta.inject.Inject;
import jakarta.websocket.CloseReason;
import jakarta.websocket.CloseReason.CloseCodes;
import jakarta.websocket.DecodeException;
import jakarta.websocket.OnClose;
import jakarta.websocket.OnError;
import jakarta.websocket.OnMessage;
import jakarta.websocket.OnOpen;
import jakarta.websocket.PongMessage;
import jakarta.websocket.Session;
import jakarta.websocket.server.ServerEndpoint;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * {@code /ws}, subprotocols {@code jobpulse.v2} (v1 plus {@code batch} frames) and {@code jobpulse.v1}: one
 * connection, any number of job subscriptions. The container selects the first of the client's subprotocols that the
 * endpoint lists. One instance per connection; shared state lives in application-scoped beans. See docs/protocol.md.
 */
@ServerEndpoint(
        value = "/ws",
        subprotocols = {JobPulseEndpoint.SUBPROTOCOL_V2, JobPulseEndpoint.SUBPROTOCOL},
        encoders = ServerMessageEncoder.class,
        decoders = ClientMessageDecoder.class,
        configurator = CdiEndpointConfigurator.class)
public class JobPulseEndpoint {

    public static final String SUBPROTOCOL = "jobpulse.v1";
    /** Version 1 plus {@code batch} frames. */
    public static final String SUBPROTOCOL_V2 = "jobpulse.v2";
    /** The most characters of waiting messages sent together in one {@code batch} frame. */
    static final int MAX_BATCH_CHARS = 16 * 1024;
    /**
     * The ceiling of {@code jobpulse.ws.max-message-bytes}; the configured limit is set on each session and enforced
     * by the decoder (Undertow ignores both this and the session's limit for text).
     */
    public static final int MAX_MESSAGE_BYTES = WebSocketSettings.MAX_MESSAGE_BYTES_LIMIT;

    private static final Logger LOG = Logger.getLogger(JobPulseEndpoint.class.getName());
    private static final String TOMCAT_BLOCKING_SEND_TIMEOUT = "org.apache.tomcat.websocket.BLOCKING_SEND_TIMEOUT";
    private static final long MAX_PING_SEND_MILLIS = 10_000;

    @Inject
    JobPulseConfig config;

    @Inject
    WatchService watching;

    @Inject
    OpenSessions openSessions;

    @Inject
    NodeMetrics metrics;

    @Inject
    ContainerExecutors executors;

    private Connection connection;

    @OnOpen
    public void open(Session session) {
        WebSocketSettings limits = config.websocket();
        // JobPulse closes idle connections itself (OpenSessions, 4000, the same everywhere), so the container's own
        // idle timer is off: Tyrus (Payara) closed a few fresh sessions at once "because of the idle timeout" with it
        session.setMaxIdleTimeout(0);
        session.setMaxTextMessageBufferSize(limits.maxMessageBytes());
        // Tomcat writes pings with a blocking write (off the fan-out, see SessionOutbox): bound it by the lag limit
        session.getUserProperties()
                .put(TOMCAT_BLOCKING_SEND_TIMEOUT, Math.min(limits.maxLag().toMillis(), MAX_PING_SEND_MILLIS));
        SessionOutbox outbox = new SessionOutbox(
                session,
                new SessionOutbox.Bounds(
                        limits.outboxMessages(),
                        limits.outboxBytes(),
                        limits.sendWindow(),
                        limits.maxLag(),
                        batchChars(session, limits)),
                metrics,
                executors.clientIo(),
                openSessions.ticker());
        connection = new Connection(
                outbox,
                watching,
                limits.maxSubscriptions(),
                limits.maxMessagesPerSecond(),
                new Connection.Supervision(openSessions::claimClient, code -> openSessions.closeFor(session, code)),
                openSessions.ticker());
        Object address = session.getUserProperties().get(CdiEndpointConfigurator.REMOTE_ADDRESS);
        if (address == null) {
            // every supported container copies the handshake's user properties to the session (WebSocket 2.1)
            LOG.warning(() -> "WebSocket session " + session.getId() + " has no remote address from its handshake;"
                    + " the per-address connection count may drift");
        }
        openSessions.add(session, connection, address == null ? "unknown" : address.toString());
    }

    /** Batches only where the client asked for {@code jobpulse.v2}, at most a quarter of the send window each. */
    private static int batchChars(Session session, WebSocketSettings limits) {
        return SUBPROTOCOL_V2.equals(session.getNegotiatedSubprotocol())
                ? (int) Math.min(MAX_BATCH_CHARS, limits.sendWindow() / 4)
                : 0;
    }

    @OnMessage(maxMessageSize = MAX_MESSAGE_BYTES)
    public void message(ClientMessage message) {
        connection.handle(message);
    }

    /** The client answered one of the outbox's pings ({@link SendWindow}). */
    @OnMessage
    public void pong(PongMessage pong) {
        connection.outbox().pong(pong.getApplicationData());
    }

    @OnMessage(maxMessageSize = MAX_MESSAGE_BYTES)
    public void binary(ByteBuffer ignored, Session session) {
        metrics.increment(Counter.WS_CLOSED_BAD_INPUT);
        close(session, new CloseReason(CloseCodes.CANNOT_ACCEPT, "binary messages are not supported"));
    }

    @OnClose
    public void closed(Session session) {
        openSessions.remove(session);
        if (connection != null) {
            connection.close();
        }
    }

    @OnError
    public void error(Session session, Throwable failure) {
        if (failure instanceof MessageTooBigException) {
            // Undertow (WildFly) does not enforce maxMessageSize on text messages; the decoder does
            metrics.increment(Counter.WS_CLOSED_BAD_INPUT);
            close(session, new CloseReason(CloseCodes.TOO_BIG, failure.getMessage()));
        } else if (failure instanceof DecodeException) {
            metrics.increment(Counter.WS_CLOSED_BAD_INPUT);
            close(session, new CloseReason(CloseCodes.NOT_CONSISTENT, reason(failure.getMessage())));
        } else if (failure instanceof IOException) {
            LOG.log(Level.FINE, failure, () -> "WebSocket session " + session.getId() + " I/O error");
        } else {
            LOG.log(Level.WARNING, failure, () -> "WebSocket session " + session.getId() + " failed");
        }
    }

    private static String reason(String message) {
        String text = message == null ? "invalid message" : message;
        return text.length() > 100 ? text.substring(0, 100) : text;
    }

    private static void close(Session session, CloseReason reason) {
        try {
            if (session.isOpen()) {
                session.close(reason);
            }
        } catch (IOException e) {
            LOG.log(Level.FINE, e, () -> "Could not close WebSocket session " + session.getId());
        }
    }
}
