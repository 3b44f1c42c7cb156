package io.jobpulse.it;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A Payara Micro server this test starts and stops itself, for what Arquillian cannot do: stop a server in the
 * middle of a job (gracefully or by SIGKILL) and start it again on the same database.
 */
final class PayaraMicroProcess implements ServerProcess {

    private static final Duration START_TIMEOUT = Duration.ofSeconds(240);

    private final Process process;
    private final int port;
    private final Path log;

    private PayaraMicroProcess(Process process, int port, Path log) {
        this.process = process;
        this.port = port;
        this.log = log;
    }

    /** Starts Payara Micro with the built WAR and these {@code -D} settings, and waits until the API answers. */
    static PayaraMicroProcess start(Path workDir, List<String> systemProperties) throws Exception {
        return start(workDir, systemProperties, freePort());
    }

    /** A port nobody listens on now. */
    static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    /** Starts on a given port, e.g. the port of an earlier run, so that a page open in a browser finds it again. */
    static PayaraMicroProcess start(Path workDir, List<String> systemProperties, int port) throws Exception {
        return start(workDir, systemProperties, Map.of(), List.of(), port);
    }

    /** Starts with extra environment variables and Payara Micro options on a given port. */
    static PayaraMicroProcess start(
            Path workDir,
            List<String> systemProperties,
            Map<String, String> environment,
            List<String> microOptions,
            int port)
            throws Exception {
        String jar = System.getProperty("payara.microJar");
        String war = System.getProperty("jobpulse.war");
        if (jar == null || war == null) {
            throw new IllegalStateException("payara.microJar and jobpulse.war must be set (run through mvn verify)");
        }
        return start(Path.of(jar), Path.of(war), workDir, systemProperties, environment, microOptions, port);
    }

    /**
     * Starts this Payara Micro {@code jar} with this {@code war}, whichever server the failsafe execution tests (a
     * mixed cluster: {@link ServerBuild}).
     */
    static PayaraMicroProcess start(
            Path jar,
            Path war,
            Path workDir,
            List<String> systemProperties,
            Map<String, String> environment,
            List<String> microOptions,
            int port)
            throws Exception {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(systemProperties);
        command.addAll(List.of(
                "-jar",
                jar.toString(),
                "--deploy",
                war.toString(),
                "--contextroot",
                "jobpulse",
                "--port",
                String.valueOf(port),
                "--nocluster",
                "--rootdir",
                Files.createTempDirectory(workDir, "payara-root-").toString()));
        command.addAll(microOptions);
        Path log = Files.createTempFile(workDir, "payara-", ".log");
        ProcessBuilder builder =
                new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
        builder.environment().putAll(environment);
        Process process = builder.start();
        PayaraMicroProcess server = new PayaraMicroProcess(process, port, log);
        server.awaitReady();
        return server;
    }

    @Override
    public int port() {
        return port;
    }

    @Override
    public URI base() {
        return URI.create("http://127.0.0.1:" + port + "/jobpulse/");
    }

    /** SIGTERM: the JVM runs its shutdown hooks and Payara undeploys the application. */
    @Override
    public void stopGracefully() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            throw new AssertionError("Payara Micro did not stop within 60 s after SIGTERM; log: " + log);
        }
    }

    /** SIGKILL: a crash; nothing on the server side gets to run. */
    @Override
    public void kill() throws InterruptedException {
        process.destroyForcibly();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            throw new AssertionError("Payara Micro did not die within 30 s after SIGKILL");
        }
    }

    @Override
    public ProcessHandle launched() {
        return process.toHandle();
    }

    @Override
    public String log() throws IOException {
        return Files.readString(log);
    }

    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            kill();
        }
    }

    private void awaitReady() throws Exception {
        try {
            ApiReadiness.await("Payara Micro", process, base(), START_TIMEOUT, log);
        } catch (AssertionError notServing) {
            kill();
            throw notServing;
        }
    }
}
