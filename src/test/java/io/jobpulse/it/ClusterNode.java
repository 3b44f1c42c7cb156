package io.jobpulse.it;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * One JobPulse node of a {@link Cluster}: a server process of its own (of one {@link ServerBuild#kind}) with its
 * {@code jobpulse.node-id}, and the JVM that runs it. Signals go to that JVM's pid, which is not always the process the
 * test started: WildFly's standalone.sh runs the JVM as its child (Payara Micro's {@code java -jar} and Tomcat's
 * {@code catalina.sh run}, which execs, are the JVM themselves).
 */
final class ClusterNode implements AutoCloseable {

    private static final Duration SIGNAL_WAIT = Duration.ofSeconds(10);

    private final String id;
    private final String kind;
    private final ServerProcess server;
    private final ProcessHandle jvm;
    private volatile boolean paused;

    /** Takes over {@code server}: closes it if its JVM cannot be found. */
    ClusterNode(String id, String kind, ServerProcess server) throws InterruptedException {
        this.id = id;
        this.kind = kind;
        this.server = server;
        try {
            this.jvm = jvmOf(server.launched());
        } catch (AssertionError e) {
            server.close();
            throw e;
        }
    }

    /** The node's {@code jobpulse.node-id}. */
    String id() {
        return id;
    }

    /** The server it runs on: payara, tomcat or wildfly. */
    String kind() {
        return kind;
    }

    /** {@code http://127.0.0.1:<port>/jobpulse/} */
    URI base() {
        return server.base();
    }

    /** The pid of the node's JVM. */
    long pid() {
        return jvm.pid();
    }

    /** Whether its JVM still runs (also while paused): false once it was killed or stopped. */
    boolean running() {
        return jvm.isAlive();
    }

    /** Whether it is frozen by {@link #pause} and not yet resumed. */
    boolean paused() {
        return paused;
    }

    /** A REST client of this node for the API client with this key. */
    ApiClient client(String key) {
        return new ApiClient(base(), key);
    }

    /** What the server logged. */
    String log() throws IOException {
        return server.log();
    }

    /** SIGKILL: a crash; waits until the JVM is gone. */
    void kill() throws InterruptedException {
        server.kill();
        awaitExit(Duration.ofSeconds(30), "SIGKILL");
        paused = false;
    }

    /** SIGTERM, and waits until the JVM exited: the server undeploys JobPulse first. A paused node is resumed first. */
    void stop() throws Exception {
        if (paused) {
            resume();
        }
        server.stopGracefully();
        awaitExit(Duration.ofSeconds(60), "SIGTERM");
    }

    /** {@code kill -STOP}: the JVM freezes (no thread runs, sockets stay open); returns once it is stopped. */
    void pause() throws Exception {
        signal("STOP");
        Await.until(this + " stopped by SIGSTOP", SIGNAL_WAIT, () -> stopped());
        paused = true;
    }

    /** {@code kill -CONT}: the frozen JVM runs on; returns once it is no longer stopped. */
    void resume() throws Exception {
        signal("CONT");
        Await.until(this + " running again after SIGCONT", SIGNAL_WAIT, () -> !stopped());
        paused = false;
    }

    /** Ends the node if it still runs: SIGKILL when paused (SIGTERM would wait for a SIGCONT), else as the server does. */
    @Override
    public void close() throws InterruptedException {
        if (paused && jvm.isAlive()) {
            kill();
        } else {
            server.close();
        }
    }

    @Override
    public String toString() {
        return id + " (" + kind + ", pid " + jvm.pid() + ", " + base() + ")";
    }

    private void signal(String signal) throws Exception {
        Process kill = new ProcessBuilder("kill", "-" + signal, String.valueOf(jvm.pid()))
                .redirectErrorStream(true)
                .start();
        if (!kill.waitFor(SIGNAL_WAIT.toSeconds(), TimeUnit.SECONDS)) {
            kill.destroyForcibly();
            throw new AssertionError("kill -" + signal + " " + jvm.pid() + " did not return within " + SIGNAL_WAIT);
        }
        if (kill.exitValue() != 0) {
            throw new AssertionError("kill -" + signal + " " + this + " failed: "
                    + new String(kill.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8));
        }
    }

    /** Whether the JVM is in state T (stopped by a signal), from /proc/<pid>/stat (Linux). */
    private boolean stopped() throws IOException {
        String stat = Files.readString(Path.of("/proc", String.valueOf(jvm.pid()), "stat"));
        // "<pid> (<command>) <state> ...": the command may itself hold spaces and parentheses
        return stat.substring(stat.lastIndexOf(')') + 2).startsWith("T");
    }

    private void awaitExit(Duration timeout, String signal) throws InterruptedException {
        try {
            jvm.onExit().get(timeout.toSeconds(), TimeUnit.SECONDS);
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
            throw new AssertionError(this + " did not exit within " + timeout + " after " + signal, e);
        }
    }

    /** The one {@code java} process at or below {@code launched}. */
    private static ProcessHandle jvmOf(ProcessHandle launched) {
        List<ProcessHandle> all =
                Stream.concat(Stream.of(launched), launched.descendants()).toList();
        List<ProcessHandle> jvms = all.stream().filter(ClusterNode::isJava).toList();
        if (jvms.size() != 1) {
            throw new AssertionError("expected one java process at or below pid " + launched.pid() + ", found "
                    + all.stream()
                            .map(p -> p.pid() + " " + p.info().command().orElse("?"))
                            .collect(Collectors.joining("; ")));
        }
        return jvms.get(0);
    }

    private static boolean isJava(ProcessHandle process) {
        return process.info()
                .command()
                .map(command -> Path.of(command).getFileName().toString().equals("java"))
                .orElse(false);
    }
}
