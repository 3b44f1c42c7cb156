package io.jobpulse.inprocess;

import jakarta.enterprise.inject.spi.CDI;
import jakarta.enterprise.inject.spi.CDIProvider;
import java.util.concurrent.atomic.AtomicReference;
import org.jboss.weld.environment.se.WeldContainer;
import org.jboss.weld.environment.se.WeldSEProvider;

/**
 * {@code CDI.current()} for in-process servers: on a thread of a server (one it started, or one those started) the
 * server's own Weld container; anywhere else Weld SE's answer. In a container each deployment has its own class loader
 * and {@code CDI.current()} is the deployment's; in this JVM several servers (the in-process cluster nodes) share one,
 * and with several Weld containers running Weld SE answers the first one started, or one it cached for the calling
 * class, possibly a container already shut down. So the second node's REST (Jersey asks {@code CDI.current()} for its
 * bean manager) and WebSocket endpoints ({@code CdiEndpointConfigurator}'s {@code Unmanaged}) served the first node's
 * beans, and a node started after another test class's could fail to start (HK2's unsatisfied dependencies).
 * Registered in {@code META-INF/services}, above Weld SE's priority.
 */
public final class InProcessCdi implements CDIProvider {

    // inherited: the servers' threads (Grizzly's selectors and workers, JobPulse's pools) are made by the thread that
    // starts the server, or by threads it made
    private static final InheritableThreadLocal<AtomicReference<WeldContainer>> SERVER = new InheritableThreadLocal<>();

    private final WeldSEProvider weld = new WeldSEProvider();

    /**
     * Binds this thread, and the threads it makes until {@link #unbind()}, to the container {@code server} will hold
     * (set it once Weld has started).
     */
    static void bind(AtomicReference<WeldContainer> server) {
        SERVER.set(server);
    }

    static void unbind() {
        SERVER.remove();
    }

    @Override
    public CDI<Object> getCDI() {
        AtomicReference<WeldContainer> server = SERVER.get();
        WeldContainer own = server == null ? null : server.get();
        if (own != null && own.isRunning()) {
            return own;
        }
        return weld.getCDI();
    }

    @Override
    public int getPriority() {
        return weld.getPriority() + 1;
    }
}
