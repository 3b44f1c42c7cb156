package io.jobpulse.websocket;

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
     * No extensions, so no permessage-deflate: Tomcat (since 10.1) and WildFly accept it from every client that offers
     * it and have no server-wide switch left; JobPulse's messages are small JSON, compression costs CPU and a zlib
     * context per connection. (Payara's Tyrus offers no extension anyway.)
     */
    @Override
    public List<Extension> getNegotiatedExtensions(List<Extension> installed, List<Extension> requested) {
        return List.of();
    }
}
