package io.jobpulse.websocket;

import io.jobpulse.config.JobPulseConfig;
import jakarta.enterprise.inject.spi.CDI;
import jakarta.enterprise.inject.spi.Unmanaged;
import jakarta.websocket.Extension;
import jakarta.websocket.server.ServerEndpointConfig;
import java.util.List;

/**
 * Creates each endpoint instance through CDI, so {@code @Inject} works in {@code @ServerEndpoint} classes on every
 * container: Weld on Tomcat does not inject into them by itself.
 */
public class CdiEndpointConfigurator extends ServerEndpointConfig.Configurator {

    @Override
    public <T> T getEndpointInstance(Class<T> endpointClass) {
        return new Unmanaged<>(endpointClass).newInstance().produce().inject().postConstruct().get();
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
        boolean deflate = CDI.current().select(JobPulseConfig.class).get().permessageDeflate();
        return deflate ? super.getNegotiatedExtensions(installed, requested) : List.of();
    }
}
