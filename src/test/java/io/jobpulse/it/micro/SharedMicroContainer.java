package io.jobpulse.it.micro;

import io.jobpulse.it.ApiReadiness;
import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.jar.Attributes;
import java.util.jar.JarFile;
import org.jboss.arquillian.container.spi.client.container.DeployableContainer;
import org.jboss.arquillian.container.spi.client.container.DeploymentException;
import org.jboss.arquillian.container.spi.client.container.LifecycleException;
import org.jboss.arquillian.container.spi.client.protocol.ProtocolDescription;
import org.jboss.arquillian.container.spi.client.protocol.metadata.HTTPContext;
import org.jboss.arquillian.container.spi.client.protocol.metadata.ProtocolMetaData;
import org.jboss.arquillian.container.spi.client.protocol.metadata.Servlet;
import org.jboss.shrinkwrap.api.Archive;
import org.jboss.shrinkwrap.api.exporter.ZipExporter;

/**
 * An Arquillian container of one Payara Micro for a whole failsafe run: started once, it deploys each test class's WAR
 * and undeploys it after the class, as the Tomcat and WildFly adapters do with their servers. Payara's own adapter
 * (arquillian-payara-micro-managed) boots a new Payara Micro JVM for every deployment, about 15 s of the 2-core CI
 * machine per test class. The server is started as Payara Micro itself is ({@code --nocluster}, a port of its own,
 * the options of the execution: {@link SharedMicroConfiguration}) with {@link MicroDeployer} as its main class, which
 * deploys through Payara Micro's API. Client-mode tests only ({@code @Deployment(testable = false)}).
 */
public final class SharedMicroContainer implements DeployableContainer<SharedMicroConfiguration> {

    private static final Duration DEPLOY_TIMEOUT = Duration.ofSeconds(180);
    private static final Duration SERVING_TIMEOUT = Duration.ofSeconds(60);
    private static final String HOST = "127.0.0.1";

    private final BlockingQueue<String> replies = new LinkedBlockingQueue<>();
    private SharedMicroConfiguration config;
    private Process process;
    private Writer commands;
    private Path log;
    private int port;

    @Override
    public Class<SharedMicroConfiguration> getConfigurationClass() {
        return SharedMicroConfiguration.class;
    }

    @Override
    public void setup(SharedMicroConfiguration configuration) {
        this.config = configuration;
    }

    @Override
    public ProtocolDescription getDefaultProtocol() {
        return new ProtocolDescription("Local");
    }

    @Override
    public void start() throws LifecycleException {
        try {
            Path dir = Files.createDirectories(config.directory());
            log = dir.resolve("payara-micro.log");
            if (Files.exists(log)) { // a log per start (it was appended to across runs); the one before it kept
                Files.move(log, dir.resolve("payara-micro.log.1"), StandardCopyOption.REPLACE_EXISTING);
            }
            port = freePort();
            List<String> command = command(dir);
            process = new ProcessBuilder(command).redirectErrorStream(true).start();
            commands = new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8);
            Thread reader = new Thread(() -> copyOutput(process.getInputStream()), "payara-micro-output");
            reader.setDaemon(true);
            reader.start();
            String ready = await(config.startupTimeout(), "start");
            if (!ready.equals("ready")) {
                stopNow();
                throw new LifecycleException("Payara Micro did not start: " + ready + "; log: " + log);
            }
        } catch (IOException e) {
            throw new LifecycleException("Starting Payara Micro failed; log: " + log, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new LifecycleException("Interrupted while Payara Micro started", e);
        } catch (IllegalStateException e) {
            stopNow();
            throw new LifecycleException(e.getMessage(), e);
        }
    }

    @Override
    public ProtocolMetaData deploy(Archive<?> archive) throws DeploymentException {
        String name = name(archive);
        Path war = config.directory().resolve(name + ".war");
        archive.as(ZipExporter.class).exportTo(war.toFile(), true);
        tell("deploy " + name + " " + name + " " + war.toAbsolutePath(), "deploy " + archive.getName());
        awaitServing(name);
        return new ProtocolMetaData().addContext(new HTTPContext(HOST, port).add(new Servlet("default", "/" + name)));
    }

    @Override
    public void undeploy(Archive<?> archive) throws DeploymentException {
        tell("undeploy " + name(archive), "undeploy " + archive.getName());
    }

    @Override
    public void stop() throws LifecycleException {
        if (process == null) {
            return;
        }
        try {
            commands.close(); // MicroDeployer shuts Payara Micro down and exits
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                stopNow();
            }
        } catch (IOException e) {
            stopNow();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            stopNow();
        }
    }

    private List<String> command(Path dir) throws IOException {
        Path jar = config.microJar();
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        // what `java -jar payara-micro.jar` would take from the jar's manifest; started from a class path, it must be
        // said
        try (JarFile micro = new JarFile(jar.toFile())) {
            Attributes main = micro.getManifest().getMainAttributes();
            for (String opened : words(main.getValue("Add-Opens"))) {
                command.add("--add-opens=" + opened + "=ALL-UNNAMED");
            }
            for (String exported : words(main.getValue("Add-Exports"))) {
                command.add("--add-exports=" + exported + "=ALL-UNNAMED");
            }
        }
        command.addAll(config.jvmOptions());
        command.add("-cp");
        command.add(jar.toAbsolutePath() + File.pathSeparator + deployerClassPath(dir));
        command.add(MicroDeployer.class.getName());
        command.addAll(List.of(
                "--nocluster",
                "--port",
                String.valueOf(port),
                "--rootdir",
                Files.createTempDirectory(dir, "root-").toString()));
        command.addAll(config.microOptions());
        return command;
    }

    /** A directory holding {@link MicroDeployer}'s class file alone: the test classes' other files stay out. */
    private static Path deployerClassPath(Path dir) throws IOException {
        Path classes = dir.resolve("deployer-classes");
        String file = MicroDeployer.class.getName().replace('.', '/') + ".class";
        Path target = classes.resolve(file);
        Files.createDirectories(target.getParent());
        try (InputStream in = MicroDeployer.class.getClassLoader().getResourceAsStream(file)) {
            if (in == null) {
                throw new IOException(file + " is not on the test class path");
            }
            Files.copy(in, target, StandardCopyOption.REPLACE_EXISTING);
        }
        return classes.toAbsolutePath();
    }

    /** Copies the server's output to the log, and its deployer's answers to {@link #replies}. */
    private void copyOutput(InputStream output) {
        try (BufferedReader lines = new BufferedReader(new InputStreamReader(output, StandardCharsets.UTF_8));
                Writer out = Files.newBufferedWriter(
                        log, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND)) {
            for (String line; (line = lines.readLine()) != null; ) {
                int reply = line.indexOf(MicroDeployer.REPLY);
                if (reply >= 0) {
                    replies.add(line.substring(reply + MicroDeployer.REPLY.length()));
                }
                out.write(line);
                out.write('\n');
                out.flush();
            }
        } catch (IOException e) {
            replies.add("failed reading the server's output: " + e);
        }
    }

    private void tell(String command, String what) throws DeploymentException {
        try {
            commands.write(command + "\n");
            commands.flush();
            String reply = await(DEPLOY_TIMEOUT, what);
            if (!reply.equals("ok")) {
                throw new DeploymentException(what + " on Payara Micro: " + reply + "; log: " + log);
            }
        } catch (IOException | IllegalStateException e) {
            throw new DeploymentException(what + " on Payara Micro failed; log: " + log, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new DeploymentException("Interrupted during " + what, e);
        }
    }

    /** The deployer's next answer; IllegalStateException when the server died or did not answer in time. */
    private String await(Duration timeout, String what) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            String reply = replies.poll(1, TimeUnit.SECONDS);
            if (reply != null) {
                return reply;
            }
            if (!process.isAlive()) {
                throw new IllegalStateException(
                        "Payara Micro exited with " + process.exitValue() + " during " + what + "; log: " + log);
            }
        }
        throw new IllegalStateException("Payara Micro did not " + what + " within " + timeout + "; log: " + log);
    }

    /**
     * Payara Micro answers a deployment whose application then failed to start as deployed: waits until the
     * application's API answers, as the tests' own servers do ({@link ApiReadiness}).
     */
    private void awaitServing(String name) throws DeploymentException {
        URI base = URI.create("http://" + HOST + ":" + port + "/" + name + "/");
        try {
            ApiReadiness.await("Payara Micro (" + name + " deployed)", process, base, SERVING_TIMEOUT, log);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new DeploymentException("Interrupted while waiting for " + base, e);
        } catch (Exception | AssertionError e) {
            throw new DeploymentException(name + " was deployed but does not serve: " + e.getMessage(), e);
        }
    }

    private void stopNow() {
        if (process != null) {
            process.destroyForcibly();
        }
    }

    private static String name(Archive<?> archive) {
        String name = archive.getName();
        return name.endsWith(".war") ? name.substring(0, name.length() - ".war".length()) : name;
    }

    private static List<String> words(String value) {
        return value == null || value.isBlank()
                ? List.of()
                : List.of(value.trim().split("\\s+"));
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
