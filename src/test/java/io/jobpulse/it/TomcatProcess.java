package io.jobpulse.it;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * A Tomcat this test starts itself with {@code catalina.sh run}: the Tomcat the tomcat profile unpacked (with
 * server-config/tomcat applied) as CATALINA_HOME, and a CATALINA_BASE of its own that gets the WAR, extra context
 * files and libraries, on a free port.
 */
final class TomcatProcess implements ServerProcess {

    private static final Duration START_TIMEOUT = Duration.ofSeconds(180);

    /** A {@code -Dname=value} (or {@code -Dname}) JVM option: its name. */
    private static final Pattern SYSTEM_PROPERTY = Pattern.compile("(?:^|\\s)-D([^=\\s]+)");

    private final Process process;
    private final int port;
    private final Path log;

    private TomcatProcess(Process process, int port, Path log) {
        this.process = process;
        this.port = port;
        this.log = log;
    }

    /**
     * @param contexts  files for conf/Catalina/localhost (e.g. jobpulse.xml)
     * @param libraries jars for lib/
     */
    static TomcatProcess start(
            Path catalinaHome,
            Path war,
            Map<String, Path> contexts,
            List<Path> libraries,
            String jvmOptions,
            Map<String, String> environment,
            Path workDir)
            throws Exception {
        return start(
                catalinaHome,
                war,
                contexts,
                libraries,
                jvmOptions,
                environment,
                workDir,
                PayaraMicroProcess.freePort());
    }

    /**
     * For {@link ServerProcess#start}: the tomcat execution's Tomcat ({@code tomcat.catalinaHome}, whose
     * bin/setenv.sh from server-config/tomcat catalina.sh reads) and WAR ({@code jobpulse.war}) on {@code port}
     * (0: a free one) with these JobPulse settings only.
     */
    static TomcatProcess start(Path workDir, List<String> systemProperties, int port) throws Exception {
        String home = System.getProperty("tomcat.catalinaHome");
        String war = System.getProperty("jobpulse.war");
        if (home == null || war == null) {
            throw new IllegalStateException("tomcat.catalinaHome and jobpulse.war must be set (mvn verify -Ptomcat)");
        }
        return start(
                Path.of(home),
                Path.of(war),
                Map.of(),
                List.of(),
                String.join(" ", systemProperties),
                Map.of(),
                workDir,
                port == 0 ? PayaraMicroProcess.freePort() : port);
    }

    /** As {@link #start(Path, Path, Map, List, String, Map, Path)}, on a given port. */
    static TomcatProcess start(
            Path catalinaHome,
            Path war,
            Map<String, Path> contexts,
            List<Path> libraries,
            String jvmOptions,
            Map<String, String> environment,
            Path workDir,
            int port)
            throws Exception {
        Path base = Files.createTempDirectory(workDir, "catalina-base-");
        copyTree(catalinaHome.resolve("conf"), base.resolve("conf"));
        Path properties = base.resolve("conf").resolve("catalina.properties");
        // Tomcat sets catalina.properties' entries as system properties over any -D of the same name: this process'
        // own -D options (and port) win over the unpacked Tomcat's (the tomcat profile writes tomcat.virtual-threads)
        Set<String> own = new HashSet<>(List.of("tomcat.http.port", "tomcat.shutdown.port"));
        Matcher option = SYSTEM_PROPERTY.matcher(jvmOptions);
        while (option.find()) {
            own.add(option.group(1));
        }
        List<String> lines = new ArrayList<>();
        for (String line : Files.readAllLines(properties)) {
            int equals = line.indexOf('=');
            if (equals < 0 || !own.contains(line.substring(0, equals).trim())) {
                lines.add(line);
            }
        }
        lines.add("tomcat.http.port=" + port);
        lines.add("tomcat.shutdown.port=-1");
        Files.write(properties, lines);
        Path contextDir =
                Files.createDirectories(base.resolve("conf").resolve("Catalina").resolve("localhost"));
        for (Map.Entry<String, Path> context : contexts.entrySet()) {
            Files.copy(context.getValue(), contextDir.resolve(context.getKey()), StandardCopyOption.REPLACE_EXISTING);
        }
        Path lib = Files.createDirectories(base.resolve("lib"));
        for (Path library : libraries) {
            Files.copy(library, lib.resolve(library.getFileName()), StandardCopyOption.REPLACE_EXISTING);
        }
        Files.copy(war, Files.createDirectories(base.resolve("webapps")).resolve("jobpulse.war"));
        for (String dir : List.of("logs", "temp", "work")) {
            Files.createDirectories(base.resolve(dir));
        }
        Path log = Files.createTempFile(workDir, "tomcat-", ".log");
        ProcessBuilder builder = new ProcessBuilder(
                        catalinaHome.resolve("bin").resolve("catalina.sh").toString(), "run")
                .redirectErrorStream(true)
                .redirectOutput(log.toFile());
        builder.environment().putAll(environment);
        builder.environment().put("CATALINA_HOME", catalinaHome.toString());
        builder.environment().put("CATALINA_BASE", base.toString());
        builder.environment().put("CATALINA_OPTS", jvmOptions);
        builder.environment().put("JAVA_HOME", javaHome());
        TomcatProcess tomcat = new TomcatProcess(builder.start(), port, log);
        tomcat.awaitReady();
        return tomcat;
    }

    /**
     * The JVM Tomcat runs on: the tomcat profile's {@code tomcat.java-home} (the Tomcat 11 pass of .ci/run: Java 25,
     * whose virtual threads its conf/catalina.properties turns on, and which this process' copy of conf/ inherits),
     * else the tests' own.
     */
    private static String javaHome() {
        String home = System.getProperty("tomcat.javaHome", "");
        return home.isBlank() ? System.getProperty("java.home") : home;
    }

    /** The feature release of {@link #javaHome()}'s Java (from its {@code release} file). */
    static int javaFeature() throws IOException {
        String home = javaHome();
        for (String line : Files.readAllLines(Path.of(home, "release"))) {
            if (line.startsWith("JAVA_VERSION=")) {
                return Runtime.Version.parse(
                                line.substring("JAVA_VERSION=".length()).replace("\"", ""))
                        .feature();
            }
        }
        throw new IllegalStateException("no JAVA_VERSION in " + home + "/release");
    }

    @Override
    public URI base() {
        return URI.create("http://127.0.0.1:" + port + "/jobpulse/");
    }

    @Override
    public int port() {
        return port;
    }

    @Override
    public ProcessHandle launched() {
        return process.toHandle();
    }

    @Override
    public String log() throws IOException {
        return Files.readString(log);
    }

    /** SIGTERM: catalina.sh run has exec'd the JVM, whose shutdown hook stops Catalina and the application. */
    @Override
    public void stopGracefully() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            throw new AssertionError("Tomcat did not stop within 60 s after SIGTERM; log: " + log);
        }
    }

    /** SIGKILL to the JVM (and anything it started): a crash. */
    @Override
    public void kill() throws InterruptedException {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            throw new AssertionError("Tomcat did not die within 30 s after SIGKILL");
        }
    }

    @Override
    public void close() throws InterruptedException {
        if (!process.isAlive()) {
            return;
        }
        process.destroy();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            process.waitFor(30, TimeUnit.SECONDS);
        }
    }

    private void awaitReady() throws Exception {
        try {
            ApiReadiness.await("Tomcat", process, base(), START_TIMEOUT, log);
        } catch (AssertionError notServing) {
            close();
            throw notServing;
        }
    }

    /** Copies the directory {@code from} with all it holds to {@code to}. */
    static void copyTree(Path from, Path to) throws IOException {
        try (Stream<Path> files = Files.walk(from)) {
            for (Path source : (Iterable<Path>) files::iterator) {
                Path target = to.resolve(from.relativize(source).toString());
                if (Files.isDirectory(source)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(source, target, StandardCopyOption.REPLACE_EXISTING);
                }
            }
        }
    }
}
