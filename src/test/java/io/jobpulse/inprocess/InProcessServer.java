package io.jobpulse.inprocess;

import io.jobpulse.config.JobPulseConfig;
import io.jobpulse.config.SettingsSource;
import io.jobpulse.runtime.Clocks;
import io.jobpulse.websocket.JobPulseEndpoint;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import javax.sql.DataSource;
import org.glassfish.grizzly.http.server.HttpServer;
import org.glassfish.jersey.grizzly2.httpserver.GrizzlyHttpServerFactory;
import org.glassfish.jersey.server.ResourceConfig;
import org.glassfish.tyrus.server.Server;
import org.jboss.weld.environment.se.Weld;
import org.jboss.weld.environment.se.WeldContainer;

/**
 * JobPulse in the test JVM, started once per test class: its real beans in Weld SE (the configuration from the
 * class's {@code jobpulse.*} settings, an embedded H2 database in a fresh temporary directory, a {@link ManualTicker}),
 * its real {@link JobPulseEndpoint} (with its configurator: CDI instances, subprotocol negotiation) on Tyrus' Grizzly
 * server, and its real REST, SSE and long-poll resources in Jersey on Grizzly; both on free loopback ports, under
 * {@code /jobpulse} as in a container. The servlet {@code HandshakeFilter} does not run here: handshake refusals
 * (403/429/503) stay in the container ITs. Starts in a few seconds; close it in {@code @AfterAll}.
 */
public final class InProcessServer implements AutoCloseable {

    /** What every in-process server runs with unless a test class says otherwise. */
    static final Map<String, String> DEFAULTS = Map.of(
            "jobpulse.dev", "true",
            "jobpulse.token-secret", "in-process-tests-secret-0123456789",
            "jobpulse.node-id", "in-process",
            // each progress report its own event, so sequences are exact
            "jobpulse.progress-rate", "1000",
            // time-driven limits are small, and trip only when the test moves the ticker; the sweep runs every 250 ms
            "jobpulse.ws.subscribe-deadline", "1s",
            "jobpulse.ws.idle-timeout", "2s",
            "jobpulse.ws.max-lag", "1s",
            "jobpulse.shutdown-grace", "1s");

    private final Path dataDir;
    private final ManualTicker ticker = new ManualTicker();
    private final WeldContainer weld;
    private final Server tyrus;
    private final HttpServer jersey;
    private final int wsPort;
    private final int httpPort;

    private InProcessServer(Map<String, String> settings, Optional<DataSource> shared, Duration clockOffset)
            throws Exception {
        dataDir = Files.createTempDirectory("jobpulse-inprocess");
        Map<String, String> all = new HashMap<>(DEFAULTS);
        all.put("jobpulse.data-dir", dataDir.toString());
        all.putAll(settings);
        JobPulseConfig config = JobPulseConfig.from(new SettingsSource(all::get, key -> null, key -> null));
        boolean started = false;
        WeldContainer container = null;
        Server ws = null;
        HttpServer http = null;
        // CDI.current() on this thread and on the threads it makes (the servers', JobPulse's pools): this container
        AtomicReference<WeldContainer> own = new AtomicReference<>();
        InProcessCdi.bind(own);
        try {
            container = new Weld("jobpulse-inprocess-" + System.nanoTime())
                    .disableDiscovery()
                    .setBeanDiscoveryMode(org.jboss.weld.bootstrap.spi.BeanDiscoveryMode.ANNOTATED)
                    .addPackages(
                            true,
                            io.jobpulse.cluster.Cluster.class,
                            io.jobpulse.config.JobPulseConfig.class,
                            io.jobpulse.execution.JobScheduler.class,
                            io.jobpulse.fallback.PollResource.class,
                            io.jobpulse.health.Readiness.class,
                            io.jobpulse.http.LongPoller.class,
                            io.jobpulse.hub.ProgressHub.class,
                            io.jobpulse.watch.WatchService.class,
                            io.jobpulse.jobs.StepsJob.class,
                            io.jobpulse.metrics.NodeMetrics.class,
                            io.jobpulse.protocol.JobJson.class,
                            io.jobpulse.rest.JobsResource.class,
                            io.jobpulse.runtime.Clocks.class,
                            io.jobpulse.security.SecurityProducer.class,
                            io.jobpulse.store.Database.class,
                            io.jobpulse.node.NodeGauges.class,
                            io.jobpulse.websocket.OpenSessions.class)
                    .addExtension(new TestBeans(config, ticker, shared, Clock.offset(Clocks.SYSTEM, clockOffset)))
                    // Jersey's CDI integration (what jersey-cdi1x-servlet does on Tomcat), and Weld's request scope
                    // for each Jersey request; listed, as discovery is off so that test classes never become beans
                    .addExtension(new org.glassfish.jersey.ext.cdi1x.internal.CdiComponentProvider())
                    .addExtension(new org.glassfish.jersey.ext.cdi1x.internal.ProcessAllAnnotatedTypes())
                    .addBeanClass(org.glassfish.jersey.weld.se.WeldRequestScope.class)
                    .skipShutdownHook()
                    .initialize();
            own.set(container);
            wsPort = freePort();
            ws = new Server("127.0.0.1", wsPort, "/jobpulse", new HashMap<>(), JobPulseEndpoint.class);
            ws.start();
            httpPort = freePort();
            ResourceConfig resources = new ResourceConfig()
                    .packages(false, "io.jobpulse.rest", "io.jobpulse.http", "io.jobpulse.fallback");
            http = GrizzlyHttpServerFactory.createHttpServer(
                    URI.create("http://127.0.0.1:" + httpPort + "/jobpulse/api/"), resources, true);
            started = true;
        } finally {
            InProcessCdi.unbind();
            if (!started) {
                stop(container, ws, http);
                deleteTree(dataDir);
            }
        }
        weld = container;
        tyrus = ws;
        jersey = http;
    }

    /** Starts JobPulse with {@link #DEFAULTS} and these {@code jobpulse.*} settings over them. */
    public static InProcessServer start(Map<String, String> settings) throws Exception {
        return new InProcessServer(settings, Optional.empty(), Duration.ZERO);
    }

    /** A node of a cluster: like {@link #start(Map)}, on {@code database} (PostgreSQL) shared with other nodes. */
    public static InProcessServer startOn(DataSource database, Map<String, String> settings) throws Exception {
        return new InProcessServer(settings, Optional.of(database), Duration.ZERO);
    }

    /** {@link #startOn(DataSource, Map)} with the node's clock set off from the true time by {@code clockOffset}. */
    public static InProcessServer startOn(DataSource database, Map<String, String> settings, Duration clockOffset)
            throws Exception {
        return new InProcessServer(settings, Optional.of(database), clockOffset);
    }

    public static InProcessServer start() throws Exception {
        return start(Map.of());
    }

    /** {@code ws://127.0.0.1:port/jobpulse/ws} */
    public URI webSocket() {
        return URI.create("ws://127.0.0.1:" + wsPort + "/jobpulse/ws");
    }

    /** {@code http://127.0.0.1:port/jobpulse/api/} plus {@code path} (no leading slash). */
    public URI api(String path) {
        return URI.create("http://127.0.0.1:" + httpPort + "/jobpulse/api/" + path);
    }

    public ManualTicker ticker() {
        return ticker;
    }

    public <T> T bean(Class<T> type) {
        return weld.select(type).get();
    }

    /** A REST client of this server (dev mode: client {@code dev}). */
    public Rest rest() {
        return new Rest(this);
    }

    @Override
    public void close() throws IOException {
        stop(weld, tyrus, jersey);
        deleteTree(dataDir);
    }

    /** The application first (it closes its sessions with 1001, as at undeploy), then the servers. */
    private static void stop(WeldContainer weld, Server tyrus, HttpServer jersey) {
        try {
            if (weld != null && weld.isRunning()) {
                weld.shutdown();
            }
        } finally {
            if (tyrus != null) {
                tyrus.stop();
            }
            if (jersey != null) {
                jersey.shutdownNow();
            }
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    private static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(root)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
