package io.jobpulse.it;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A WildFly server this test starts and stops itself, on a server base directory of its own (configuration,
 * deployments, data) next to the one Arquillian manages; the built WAR is deployed by the deployment scanner.
 */
final class WildFlyProcess implements AutoCloseable {

    private static final Duration START_TIMEOUT = Duration.ofSeconds(240);

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
    static WildFlyProcess start(Path baseDir, int portOffset, List<String> systemProperties,
                                Map<String, String> environment) throws Exception {
        String jbossHome = System.getProperty("jboss.home");
        String war = System.getProperty("jobpulse.war");
        if (jbossHome == null || war == null) {
            throw new IllegalStateException("jboss.home and jobpulse.war must be set (run through mvn verify -Pwildfly)");
        }
        Path deployments = Files.createDirectories(baseDir.resolve("deployments"));
        List<String> command = new ArrayList<>(List.of(Path.of(jbossHome, "bin", "standalone.sh").toString(),
                "-Djboss.server.base.dir=" + baseDir, "-Djboss.socket.binding.port-offset=" + portOffset));
        command.addAll(systemProperties);
        Path log = baseDir.resolve("console.log");
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
        builder.environment().putAll(environment);
        builder.environment().put("JAVA_HOME", System.getProperty("java.home"));
        // the script then runs the JVM in the background and passes SIGTERM on to it
        builder.environment().put("LAUNCH_JBOSS_IN_BACKGROUND", "true");
        builder.environment().put("NOPAUSE", "true");
        Files.copy(Path.of(war), deployments.resolve("jobpulse.war"), StandardCopyOption.REPLACE_EXISTING);
        WildFlyProcess server = new WildFlyProcess(builder.start(), baseDir, portOffset, log);
        server.awaitDeployed(deployments);
        return server;
    }

    URI base() {
        return URI.create("http://127.0.0.1:" + (8080 + portOffset) + "/jobpulse/");
    }

    String log() throws IOException {
        return Files.readString(baseDir.resolve("log").resolve("server.log"));
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

    private void awaitDeployed(Path deployments) throws Exception {
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            if (Files.exists(deployments.resolve("jobpulse.war.deployed"))) {
                return;
            }
            if (Files.exists(deployments.resolve("jobpulse.war.failed")) || !process.isAlive()) {
                close();
                throw new AssertionError("WildFly did not deploy JobPulse: " + Files.readString(
                        Files.exists(deployments.resolve("jobpulse.war.failed"))
                                ? deployments.resolve("jobpulse.war.failed") : log));
            }
            Thread.sleep(500);
        }
        close();
        throw new AssertionError("WildFly did not deploy JobPulse within " + START_TIMEOUT + "; log: " + log);
    }
}
