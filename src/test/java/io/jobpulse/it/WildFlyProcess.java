package io.jobpulse.it;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A WildFly server this test starts and stops itself, on a server base directory of its own (configuration,
 * deployments, data) next to the one Arquillian manages; the built WAR is deployed by the deployment scanner.
 */
final class WildFlyProcess implements ServerProcess {

    private static final Duration START_TIMEOUT = Duration.ofSeconds(240);

    /** The ports WildFly listens on with the configuration the tests use, before the port offset is added. */
    static final List<Integer> PORTS = List.of(8080, 8443, 9990, 9993);

    private final Process process;
    private final Path baseDir;
    private final int portOffset;
    private final Path log;

    private WildFlyProcess(Process process, Path baseDir, int portOffset, Path log) {
        this.process = process;
        this.baseDir = baseDir;
        this.portOffset = portOffset;
        this.log = log;
    }

    /**
     * Starts {@code $jboss.home/bin/standalone.sh} on {@code baseDir} (which holds {@code configuration/}) with all
     * ports moved by {@code portOffset}, these {@code -D} settings and environment, and waits until the WAR is
     * deployed.
     */
    static WildFlyProcess start(
            Path baseDir, int portOffset, List<String> systemProperties, Map<String, String> environment)
            throws Exception {
        String jbossHome = System.getProperty("jboss.home");
        String war = System.getProperty("jobpulse.war");
        if (jbossHome == null || war == null) {
            throw new IllegalStateException(
                    "jboss.home and jobpulse.war must be set (run through mvn verify -Pwildfly)");
        }
        return start(Path.of(jbossHome), Path.of(war), baseDir, portOffset, systemProperties, environment);
    }

    /**
     * As {@link #start(Path, int, List, Map)}, with this WildFly ({@code jbossHome}) and {@code war}, whichever server
     * the failsafe execution tests (a mixed cluster: {@link ServerBuild}).
     */
    static WildFlyProcess start(
            Path jbossHome,
            Path war,
            Path baseDir,
            int portOffset,
            List<String> systemProperties,
            Map<String, String> environment)
            throws Exception {
        Path deployments = Files.createDirectories(baseDir.resolve("deployments"));
        List<String> command = new ArrayList<>(List.of(
                jbossHome.resolve("bin").resolve("standalone.sh").toString(),
                "-Djboss.server.base.dir=" + baseDir,
                "-Djboss.socket.binding.port-offset=" + portOffset));
        command.addAll(systemProperties);
        Path log = baseDir.resolve("console.log");
        ProcessBuilder builder =
                new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
        builder.environment().putAll(environment);
        builder.environment().put("JAVA_HOME", System.getProperty("java.home"));
        // this WildFly, not one the environment may name (the script would warn and run that one)
        builder.environment().put("JBOSS_HOME", jbossHome.toString());
        // the script then runs the JVM in the background and passes SIGTERM on to it
        builder.environment().put("LAUNCH_JBOSS_IN_BACKGROUND", "true");
        builder.environment().put("NOPAUSE", "true");
        Files.copy(war, deployments.resolve("jobpulse.war"), StandardCopyOption.REPLACE_EXISTING);
        WildFlyProcess server = new WildFlyProcess(builder.start(), baseDir, portOffset, log);
        server.awaitDeployed(deployments);
        return server;
    }

    /**
     * For {@link ServerProcess#start}: a new server base directory under {@code workDir} with the configuration of
     * the wildfly execution's WildFly ({@code jboss.home}, server-config/wildfly/jobpulse.cli applied by the
     * profile), its HTTP port on {@code port} (0: free ports) through a port offset, so that neither the HTTP nor the
     * management port collides with the Arquillian-managed WildFly; these JobPulse settings only.
     */
    static WildFlyProcess start(Path workDir, List<String> systemProperties, int port) throws Exception {
        String jbossHome = System.getProperty("jboss.home");
        if (jbossHome == null) {
            throw new IllegalStateException("jboss.home must be set (run through mvn verify -Pwildfly)");
        }
        Path baseDir = Files.createTempDirectory(workDir, "wildfly-base-");
        Path configuration = Path.of(jbossHome, "standalone", "configuration");
        try (Stream<Path> files = Files.walk(configuration)) {
            for (Path source : (Iterable<Path>) files::iterator) {
                Path target = baseDir.resolve("configuration")
                        .resolve(configuration.relativize(source).toString());
                if (Files.isDirectory(source)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(source, target, StandardCopyOption.REPLACE_EXISTING);
                }
            }
        }
        int offset = port == 0 ? freePortOffset() : port - 8080;
        List<String> properties = new ArrayList<>(List.of("-Djava.net.preferIPv4Stack=true"));
        properties.addAll(systemProperties);
        return start(baseDir, offset, properties, Map.of());
    }

    /** An offset under which WildFly's default ports ({@link #PORTS}: HTTP, HTTPS, management) are all free. */
    static int freePortOffset() throws IOException {
        for (int attempt = 0; attempt < 200; attempt++) {
            int offset = 400 + java.util.concurrent.ThreadLocalRandom.current().nextInt(20000);
            if (PORTS.stream().allMatch(port -> free(port + offset))) {
                return offset;
            }
        }
        throw new IOException("no free WildFly port offset found");
    }

    private static boolean free(int port) {
        try (ServerSocket socket = new ServerSocket(port)) {
            return true;
        } catch (IOException taken) {
            return false;
        }
    }

    @Override
    public URI base() {
        return URI.create("http://127.0.0.1:" + port() + "/jobpulse/");
    }

    @Override
    public int port() {
        return 8080 + portOffset;
    }

    @Override
    public ProcessHandle launched() {
        return process.toHandle();
    }

    @Override
    public String log() throws IOException {
        return Files.readString(baseDir.resolve("log").resolve("server.log"));
    }

    /** SIGTERM to the JVM (its shutdown hook stops WildFly and undeploys the application), then to the script. */
    @Override
    public void stopGracefully() throws InterruptedException {
        List<ProcessHandle> all = new ArrayList<>(process.descendants().toList());
        all.add(process.toHandle());
        all.forEach(ProcessHandle::destroy);
        for (ProcessHandle handle : all) {
            try {
                handle.onExit().get(60, TimeUnit.SECONDS);
            } catch (java.util.concurrent.TimeoutException | java.util.concurrent.ExecutionException e) {
                throw new AssertionError("WildFly did not stop within 60 s after SIGTERM; log: " + log, e);
            }
        }
    }

    /** SIGKILL to the JVM and the script: a crash. */
    @Override
    public void kill() throws InterruptedException {
        List<ProcessHandle> all = new ArrayList<>(process.descendants().toList());
        all.add(process.toHandle());
        all.forEach(ProcessHandle::destroyForcibly);
        for (ProcessHandle handle : all) {
            try {
                handle.onExit().get(30, TimeUnit.SECONDS);
            } catch (java.util.concurrent.TimeoutException | java.util.concurrent.ExecutionException e) {
                throw new AssertionError("WildFly did not die within 30 s after SIGKILL", e);
            }
        }
    }

    /** SIGTERM to the JVM (WildFly shuts down gracefully), then to the script; SIGKILL if either hangs. */
    @Override
    public void close() throws InterruptedException {
        List<ProcessHandle> all = new ArrayList<>(process.descendants().toList());
        all.add(process.toHandle());
        for (ProcessHandle handle : all) {
            handle.destroy();
        }
        for (ProcessHandle handle : all) {
            try {
                handle.onExit().get(60, TimeUnit.SECONDS);
            } catch (java.util.concurrent.TimeoutException | java.util.concurrent.ExecutionException e) {
                handle.destroyForcibly();
            }
        }
    }

    private boolean answers() throws InterruptedException {
        java.net.http.HttpClient http = java.net.http.HttpClient.newBuilder()
                .connectTimeout(Duration.ofSeconds(2))
                .build();
        try {
            return http.send(
                                    java.net.http.HttpRequest.newBuilder(base().resolve("api/job-types"))
                                            .timeout(Duration.ofSeconds(5))
                                            .build(),
                                    java.net.http.HttpResponse.BodyHandlers.discarding())
                            .statusCode()
                    == 200;
        } catch (IOException notYet) {
            return false;
        }
    }

    private void awaitDeployed(Path deployments) throws Exception {
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            if (Files.exists(deployments.resolve("jobpulse.war.deployed"))) {
                if (answers()) {
                    return;
                }
            }
            if (Files.exists(deployments.resolve("jobpulse.war.failed")) || !process.isAlive()) {
                close();
                throw new AssertionError("WildFly did not deploy JobPulse: "
                        + Files.readString(
                                Files.exists(deployments.resolve("jobpulse.war.failed"))
                                        ? deployments.resolve("jobpulse.war.failed")
                                        : log));
            }
            Thread.sleep(500);
        }
        close();
        throw new AssertionError("WildFly did not deploy JobPulse within " + START_TIMEOUT + "; log: " + log);
    }
}
