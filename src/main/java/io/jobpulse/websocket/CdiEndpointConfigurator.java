package io.jobpulse.websocket;

import io.jobpulse.config.JobPulseConfig;
import jakarta.enterprise.inject.spi.CDI;
import jakarta.enterprise.inject.spi.Unmanaged;
import jakarta.websocket.Extension;
import jakarta.websocket.HandshakeResponse;
import jakarta.websocket.server.HandshakeRequest;
import jakarta.websocket.server.ServerEndpointConfig;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Creates each endpoint instance through CDI, so {@code @Inject} works in {@code @ServerEndpoint} classes on every
 * container: Weld on Tomcat does not inject into them by itself.
 */
public class CdiEndpointConfigurator extends ServerEndpointConfig.Configurator {

    /** The session user property holding the client's remote address ({@link HandshakeFilter} put it in a header). */
    static final String REMOTE_ADDRESS = "jobpulse.remote-address";

    /** WebSocket 2.1: the user properties seen here are a per-connection copy, and become the session's. */
    @Override
    public void modifyHandshake(ServerEndpointConfig sec, HandshakeRequest request, HandshakeResponse response) {
        super.modifyHandshake(sec, request, response);
        List<String> address = request.getHeaders().get(HandshakeFilter.REMOTE_ADDRESS);
        if (address == null) {
            // header maps are case-insensitive on some containers only
            address = request.getHeaders().entrySet().stream()
                    .filter(e -> e.getKey().equalsIgnoreCase(HandshakeFilter.REMOTE_ADDRESS))
                    .map(Map.Entry::getValue)
                    .findFirst()
                    .orElse(null);
        }
        if (address != null && !address.isEmpty()) {
            sec.getUserProperties().put(REMOTE_ADDRESS, address.get(0));
        }
    }

    /** One per endpoint class: building it (bean manager, injection target) costs more than a whole handshake. */
    private final Map<Class<?>, Unmanaged<?>> unmanaged = new ConcurrentHashMap<>();
    /** {@code jobpulse.ws.permessage-deflate}, read once (the configurator lives as long as the deployment). */
    private volatile Boolean permessageDeflate;

    @Override
    public <T> T getEndpointInstance(Class<T> endpointClass) {
        @SuppressWarnings("unchecked") // computeIfAbsent keys each Unmanaged<T> by its own Class<T>, so the cast holds
        Unmanaged<T> factory = (Unmanaged<T>) unmanaged.computeIfAbsent(endpointClass, Unmanaged::new);
        return factory.newInstance().produce().inject().postConstruct().get();
    }

    /**
     * No extensions unless {@code jobpulse.ws.permessage-deflate=true}, so no permessage-deflate by default: Tomcat
     * (since 10.1) accepts it from every client that offers it and has no server-wide switch left; JobPulse's messages
     * are small JSON, and compression costs CPU and a zlib context per connection. When switched on, the container
     * negotiates what it has installed (Tomcat: permessage-deflate; WildFly: only with Undertow's per-message-deflate
     * on; Payara's Tyrus: none).
     */
    @Override
    public List<Extension> getNegotiatedExtensions(List<Extension> installed, List<Extension> requested) {
        Boolean deflate = permessageDeflate;
        if (deflate == null) {
            deflate =
                    CDI.current().select(JobPulseConfig.class).get().websocket().permessageDeflate();
            permessageDeflate = deflate;
        }
        return deflate ? super.getNegotiatedExtensions(installed, requested) : List.of();
    }
}
