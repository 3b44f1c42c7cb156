package io.jobpulse.it;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * A server a test starts and stops itself, for what Arquillian cannot do: stop it in the middle of a job (gracefully
 * or by SIGKILL) and start it again on the same database and port. Which server is the failsafe execution's: the
 * system property {@code jobpulse.it.server} ({@code payara}, {@code tomcat} or {@code wildfly}; Payara Micro when
 * unset), set by each server profile in pom.xml.
 */
interface ServerProcess extends AutoCloseable {

    /** The server of this failsafe execution: payara, tomcat or wildfly. */
    static String kind() {
        return System.getProperty("jobpulse.it.server", "payara").trim().toLowerCase(Locale.ROOT);
    }

    /**
     * Starts this execution's server with the built WAR (the one for that server) on {@code port} (0: a free port),
     * these JobPulse {@code -D} settings as JVM system properties and no other JobPulse settings, and waits until the
     * API answers. Files (server base, log) go under {@code workDir}.
     */
    static ServerProcess start(Path workDir, List<String> systemProperties, int port) throws Exception {
        return switch (kind()) {
            case "payara" ->
                PayaraMicroProcess.start(workDir, systemProperties, port == 0 ? PayaraMicroProcess.freePort() : port);
            case "tomcat" -> TomcatProcess.start(workDir, systemProperties, port);
            case "wildfly" -> WildFlyProcess.start(workDir, systemProperties, port);
            default ->
                throw new IllegalStateException(
                        "jobpulse.it.server=" + kind() + ": expected payara, tomcat or wildfly");
        };
    }

    /** Starts on a free port. */
    static ServerProcess start(Path workDir, List<String> systemProperties) throws Exception {
        return start(workDir, systemProperties, 0);
    }

    /** {@code http://127.0.0.1:<port>/jobpulse/} */
    URI base();

    /** The HTTP port. */
    int port();

    /** SIGTERM: the JVM runs its shutdown hooks and the server undeploys the application; waits until it exited. */
    void stopGracefully() throws InterruptedException;

    /** SIGKILL: a crash; nothing on the server side gets to run. */
    void kill() throws InterruptedException;

    /**
     * The process the test started: the server's JVM itself, or a start script whose descendant it is (WildFly's
     * standalone.sh); {@link ClusterNode} finds the JVM from here.
     */
    ProcessHandle launched();

    /** What the server logged. */
    String log() throws IOException;

    /** Stops the server if it still runs (gracefully or not: the test is over). */
    @Override
    void close() throws InterruptedException;
}
