package io.jobpulse.it;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import jakarta.json.JsonObject;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.logging.Level;
import java.util.logging.Logger;
import javax.sql.DataSource;

/**
 * A JobPulse cluster on this machine: one embedded PostgreSQL and several nodes, each its own process on its own ports,
 * configured for that PostgreSQL as server-config/ says ({@link ServerOnPostgres}). The nodes are of the failsafe
 * execution's server ({@link ServerProcess#kind}: Payara Micro, Tomcat or WildFly), or of the kinds the test names (a
 * mixed cluster, from what the build left in target/: {@link ServerBuild}). Every node gets its own
 * {@code jobpulse.node-id} (node-a, node-b, ...), the same API keys (alice, bob) and token secret,
 * {@code jobpulse.lease=6s}, and the test's extra settings. Payara Micro nodes run with {@code --nocluster}, so they
 * never find each other through Hazelcast: PostgreSQL is all they share. The nodes boot in parallel; {@link #close}
 * ends them in reverse order, then PostgreSQL. Start one per test class: a boot costs tens of seconds. A test that
 * kills or stops a node has it started again under its node id with {@link #restart} (one node's boot), and
 * {@link #awaitWhole} waits until the nodes see each other again.
 */
final class Cluster implements AutoCloseable {

    static final Duration LEASE = Duration.ofSeconds(6);

    private static final Logger LOG = Logger.getLogger(Cluster.class.getName());
    private static final String TOKEN_SECRET = "cluster-it-token-secret-0123456789abcdef";
    /**
     * Above each server's own start timeout (240 s at most), so that a start that fails reports its own cause; a start
     * still running after it is interrupted, and a server it launched may be left running.
     */
    private static final Duration BOOT_TIMEOUT = Duration.ofSeconds(300);

    private volatile EmbeddedPostgres postgres;
    /** In start order; {@link #restart} puts a node started again in the place of the one it replaces. */
    private final List<ClusterNode> nodes;

    private final Path workDir;
    /** The ports every node had, so that a node started again gets none of them. */
    private final FreePorts ports;

    private final List<String> extraSettings;

    private Cluster(
            EmbeddedPostgres postgres,
            List<ClusterNode> nodes,
            Path workDir,
            FreePorts ports,
            List<String> extraSettings) {
        this.postgres = postgres;
        this.nodes = Collections.synchronizedList(new ArrayList<>(nodes));
        this.workDir = workDir;
        this.ports = ports;
        this.extraSettings = List.copyOf(extraSettings);
    }

    /**
     * Starts PostgreSQL and {@code size} nodes of the failsafe execution's server with these extra {@code -D}
     * settings; files (server bases, logs) go to target/cluster-it/&lt;server&gt;/&lt;name&gt;/run-*. Returns once
     * every node serves the API from PostgreSQL; if one does not, ends what started and throws.
     */
    static Cluster start(String name, int size, List<String> extraSettings) throws Exception {
        return start(name, Collections.nCopies(size, ServerProcess.kind()), extraSettings);
    }

    /**
     * As {@link #start(String, int, List)}, with one node of each of {@code kinds} (payara, tomcat or wildfly), in
     * that order, whichever server the failsafe execution tests; files go to target/cluster-it/mixed/&lt;name&gt;
     * when the kinds differ.
     */
    static Cluster start(String name, List<String> kinds, List<String> extraSettings) throws Exception {
        int size = kinds.size();
        String label = kinds.stream().distinct().count() == 1 ? kinds.get(0) : "mixed";
        Path workDir = Files.createTempDirectory(
                        Files.createDirectories(Path.of("target", "cluster-it", label, name)), "run-")
                .toAbsolutePath();
        long started = System.nanoTime();
        EmbeddedPostgres postgres = database(workDir.resolve("pgdata"), 0);
        long postgresUp = System.nanoTime();
        List<ClusterNode> nodes = new ArrayList<>();
        Throwable failure = null;
        boolean interrupted = false;
        ExecutorService boot = Executors.newFixedThreadPool(size);
        FreePorts ports = new FreePorts();
        try {
            List<Future<ClusterNode>> booting = new ArrayList<>();
            for (int i = 0; i < size; i++) {
                String id = nodeId(i);
                ServerBuild build = ServerBuild.of(kinds.get(i));
                booting.add(
                        boot.submit(() -> startNode(build, postgres, workDir.resolve(id), id, ports, extraSettings)));
            }
            for (Future<ClusterNode> node : booting) {
                try {
                    nodes.add(node.get(BOOT_TIMEOUT.toSeconds(), TimeUnit.SECONDS));
                } catch (ExecutionException | TimeoutException e) {
                    Throwable cause = e instanceof ExecutionException ? e.getCause() : e;
                    LOG.log(Level.WARNING, cause, () -> "A node of cluster " + name + " did not start");
                    failure = add(failure, cause);
                }
            }
        } catch (InterruptedException e) {
            interrupted = true; // set again once the nodes are ended: ending them waits for their processes
            failure = add(failure, e);
        } catch (RuntimeException e) {
            failure = add(failure, e);
        } finally {
            boot.shutdownNow();
        }
        if (failure != null) {
            try {
                new Cluster(postgres, nodes, workDir, ports, extraSettings).close();
            } catch (RuntimeException | AssertionError e) {
                failure.addSuppressed(e);
            }
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
            throw new AssertionError("cluster " + name + " did not start; files in " + workDir, failure);
        }
        Duration bootTime = Duration.ofNanos(System.nanoTime() - started);
        LOG.info(() -> String.format(
                "Cluster %s of %d %s nodes booted in %.1f s (PostgreSQL %.1f s, the nodes in parallel %.1f s); files in %s",
                name,
                size,
                String.join("+", label.equals("mixed") ? kinds : List.of(label)),
                bootTime.toMillis() / 1000.0,
                (postgresUp - started) / 1e9,
                (System.nanoTime() - postgresUp) / 1e9,
                workDir));
        return new Cluster(postgres, nodes, workDir, ports, extraSettings);
    }

    /** node-a, node-b, ... */
    static String nodeId(int index) {
        return "node-" + (char) ('a' + index);
    }

    /** The nodes in start order, node-a first, as they are now (a {@link #restart}ed one in its place). */
    List<ClusterNode> nodes() {
        return List.copyOf(nodes);
    }

    ClusterNode node(int index) {
        return nodes.get(index);
    }

    /**
     * Starts node {@code index} again, as an operator brings a node back after a crash or its maintenance: first stops
     * it gracefully if it still runs (resumed first if paused), then starts a server of the same kind with the same
     * {@code jobpulse.node-id} and settings on the cluster's PostgreSQL, on ports no node had and in a folder of its
     * own among the cluster's files (node-b-2, ...). The new node takes the old one's place in {@link #nodes}. Returns
     * it once it serves the API from PostgreSQL (see {@link #awaitWhole} for the rest of the cluster to see it).
     */
    ClusterNode restart(int index) throws Exception {
        ClusterNode old = nodes.get(index);
        if (old.running()) {
            old.stop();
        }
        Path dir = workDir.resolve(old.id());
        for (int n = 2; Files.exists(dir); n++) {
            dir = workDir.resolve(old.id() + "-" + n);
        }
        long started = System.nanoTime();
        ClusterNode node = startNode(ServerBuild.of(old.kind()), postgres, dir, old.id(), ports, extraSettings);
        nodes.set(index, node);
        LOG.info(() -> String.format(
                "Node %s started again in %.1f s: %s", old.id(), (System.nanoTime() - started) / 1e9, node));
        return node;
    }

    /**
     * Waits until the cluster is whole, as the tests expect to find it: every node ready ({@code GET health/ready}
     * 200), its listening connection up ({@code GET api/node}: bus {@code LISTENING}), and listing every node of the
     * cluster, none stopping and each listening ({@code GET api/nodes}, from the heartbeats in {@code jp_node}).
     */
    void awaitWhole(Duration timeout) throws Exception {
        List<ClusterNode> all = nodes();
        List<String> ids = all.stream().map(ClusterNode::id).sorted().toList();
        for (ClusterNode node : all) {
            // unchecked: a node that is still deploying may get the container's own answers
            ApiClient client = node.client(ApiClient.ALICE).unchecked();
            StringBuilder seen = new StringBuilder("nothing yet");
            try {
                Await.until(
                        node + " ready, listening, and listing every node of the cluster as listening", timeout, () -> {
                            seen.setLength(0);
                            HttpResponse<String> ready = client.get("health/ready");
                            seen.append("health/ready ")
                                    .append(ready.statusCode())
                                    .append(' ')
                                    .append(ready.body());
                            if (ready.statusCode() != 200) {
                                return false;
                            }
                            HttpResponse<String> self = client.get("api/node");
                            seen.append("; api/node ").append(self.statusCode());
                            if (self.statusCode() != 200) {
                                return false;
                            }
                            JsonObject bus = Json.parse(self.body()).getJsonObject("bus");
                            seen.append(" bus ").append(bus);
                            if (!"LISTENING".equals(bus.getString("state"))) {
                                return false;
                            }
                            HttpResponse<String> listed = client.get("api/nodes");
                            seen.append("; api/nodes ")
                                    .append(listed.statusCode())
                                    .append(' ')
                                    .append(listed.body());
                            if (listed.statusCode() != 200) {
                                return false;
                            }
                            List<JsonObject> rows = Json.parse(listed.body())
                                    .getJsonArray("nodes")
                                    .getValuesAs(JsonObject.class);
                            return rows.stream()
                                            .map(row -> row.getString("node"))
                                            .sorted()
                                            .toList()
                                            .equals(ids)
                                    && rows.stream()
                                            .allMatch(row -> !row.getBoolean("stopping")
                                                    && "LISTENING".equals(row.getString("bus")));
                        });
            } catch (AssertionError notWhole) {
                throw new AssertionError(notWhole.getMessage() + "; last seen: " + seen, notWhole);
            }
        }
    }

    /** PostgreSQL on {@code data} (kept when it stops, so it can start again), on {@code port} (0: any free one). */
    private static EmbeddedPostgres database(Path data, int port) throws java.io.IOException {
        EmbeddedPostgres.Builder builder = EmbeddedPostgres.builder()
                .setServerConfig("max_connections", "200")
                .setDataDirectory(data)
                .setCleanDataDirectory(false);
        if (port > 0) {
            builder.setPort(port);
        }
        return builder.start();
    }

    /**
     * Stops PostgreSQL (a fast shutdown: sessions are ended), runs {@code whileDown}, and starts it again on the same
     * data and port, as an operator's restart would.
     */
    void restartDatabase(Callable<Void> whileDown) throws Exception {
        int port = postgres.getPort();
        Path data = workDir.resolve("pgdata");
        postgres.close();
        try {
            whileDown.call();
        } finally {
            postgres = database(data, port);
        }
    }

    /** The cluster's files: PostgreSQL's data, and a folder per node with its server base and log. */
    Path workDir() {
        return workDir;
    }

    /** The cluster's database, for checking the rows the nodes wrote. */
    DataSource database() {
        return postgres.getPostgresDatabase();
    }

    /** Ends every node that still runs, last started first, then PostgreSQL; all of them even when one fails. */
    @Override
    public void close() {
        Throwable failure = null;
        List<ClusterNode> all = nodes();
        for (int i = all.size() - 1; i >= 0; i--) {
            ClusterNode node = all.get(i);
            try {
                node.close();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                failure = add(failure, e);
            } catch (RuntimeException | AssertionError e) {
                LOG.log(Level.WARNING, e, () -> "Could not end " + node);
                failure = add(failure, e);
            }
        }
        try {
            postgres.close();
        } catch (java.io.IOException e) {
            LOG.log(Level.WARNING, e, () -> "Could not stop the embedded PostgreSQL");
            failure = add(failure, e);
        }
        if (failure != null) {
            throw new AssertionError("the cluster did not end cleanly; files in " + workDir, failure);
        }
    }

    private static ClusterNode startNode(
            ServerBuild build,
            EmbeddedPostgres postgres,
            Path dir,
            String id,
            FreePorts ports,
            List<String> extraSettings)
            throws Exception {
        Files.createDirectories(dir);
        List<String> settings = new ArrayList<>(List.of(
                "-Djobpulse.node-id=" + id,
                "-Djobpulse.api-keys=alice:" + ApiClient.ALICE + ",bob:" + ApiClient.BOB,
                "-Djobpulse.token-secret=" + TOKEN_SECRET,
                "-Djobpulse.metrics.token=" + MetricsIT.TOKEN,
                "-Djobpulse.lease=" + LEASE.toSeconds() + "s",
                // unused while the node is on PostgreSQL; keeps a misconfigured node off ~/.jobpulse
                "-Djobpulse.data-dir=" + dir.resolve("h2-unused")));
        settings.addAll(extraSettings);
        ClusterNode node =
                new ClusterNode(id, build.kind(), ServerOnPostgres.start(build, postgres, dir, settings, ports));
        if (!node.log().contains("JobPulse store: JNDI DataSource")) {
            node.close();
            throw new AssertionError(node + " does not use the PostgreSQL DataSource; its log is in " + dir);
        }
        return node;
    }

    private static Throwable add(Throwable first, Throwable next) {
        if (first == null) {
            return next;
        }
        first.addSuppressed(next);
        return first;
    }
}
