package io.jobpulse.websocket;

import io.jobpulse.protocol.ServerMessageEncoder;
import jakarta.websocket.CloseReason;
import jakarta.websocket.RemoteEndpoint;
import jakarta.websocket.SendHandler;
import jakarta.websocket.SendResult;
import jakarta.websocket.Session;
import java.lang.reflect.Proxy;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A WebSocket {@link Session} whose async remote records what is sent, as wire text, and holds each send open until
 * the test completes it (as a container does while the bytes travel); pings and closes are recorded too.
 */
final class FakeSession {

    private static final ServerMessageEncoder ENCODER = new ServerMessageEncoder();

    final List<String> frames = new ArrayList<>();
    final List<Long> pings = new ArrayList<>();
    final List<CloseReason> closes = new ArrayList<>();
    private final List<SendHandler> pending = new ArrayList<>();
    private final Map<String, Object> userProperties = new HashMap<>();
    /** Complete every send at once, on the sending thread (as Tyrus often does). */
    boolean completeInline;

    boolean open = true;

    final Session session = (Session) Proxy.newProxyInstance(
            Session.class.getClassLoader(),
            new Class<?>[] {Session.class},
            (proxy, method, args) -> switch (method.getName()) {
                case "getAsyncRemote" -> remote();
                case "getId" -> "fake";
                case "isOpen" -> open;
                case "getUserProperties" -> userProperties;
                case "close" -> {
                    synchronized (this) {
                        closes.add(
                                args == null
                                        ? new CloseReason(CloseReason.CloseCodes.NORMAL_CLOSURE, "")
                                        : (CloseReason) args[0]);
                    }
                    open = false;
                    yield null;
                }
                case "hashCode" -> System.identityHashCode(proxy);
                case "equals" -> proxy == args[0];
                case "toString" -> "FakeSession";
                default -> throw new UnsupportedOperationException(method.getName());
            });

    private RemoteEndpoint.Async remote() {
        return (RemoteEndpoint.Async) Proxy.newProxyInstance(
                RemoteEndpoint.Async.class.getClassLoader(),
                new Class<?>[] {RemoteEndpoint.Async.class},
                (proxy, method, args) -> {
                    switch (method.getName()) {
                        case "sendObject" -> {
                            SendHandler handler = (SendHandler) args[1];
                            boolean inline;
                            synchronized (this) {
                                frames.add(ENCODER.encode((io.jobpulse.protocol.ServerMessage) args[0]));
                                inline = completeInline;
                                if (!inline) {
                                    pending.add(handler);
                                }
                            }
                            if (inline) {
                                handler.onResult(new SendResult());
                            }
                            return null;
                        }
                        case "sendPing" -> {
                            synchronized (this) {
                                pings.add(((ByteBuffer) args[0]).getLong(0));
                            }
                            return null;
                        }
                        default -> throw new UnsupportedOperationException(method.getName());
                    }
                });
    }

    /** Completes the oldest send still under way. */
    void completeSend() {
        SendHandler handler;
        synchronized (this) {
            if (pending.isEmpty()) {
                throw new AssertionError("no send under way");
            }
            handler = pending.remove(0);
        }
        handler.onResult(new SendResult());
    }

    void failSend(Throwable failure) {
        SendHandler handler;
        synchronized (this) {
            handler = pending.remove(0);
        }
        handler.onResult(new SendResult(failure));
    }

    synchronized int sendsUnderWay() {
        return pending.size();
    }

    synchronized List<Integer> closeCodes() {
        return closes.stream().map(c -> c.getCloseCode().getCode()).toList();
    }

    /** The answer to ping {@code id}, as the endpoint hands it to the outbox. */
    static ByteBuffer pong(long id) {
        return ByteBuffer.allocate(Long.BYTES).putLong(0, id);
    }
}
