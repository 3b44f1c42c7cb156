package io.jobpulse.it;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Stream;

/**
 * Debian's haproxy, started in the foreground by a test with a configuration file and its environment, and asked
 * about its servers through the admin socket that file declares ({@code JOBPULSE_LB_SOCKET}).
 */
final class HaproxyProcess implements AutoCloseable {

    private static final Duration START_TIMEOUT = Duration.ofSeconds(20);
    private static final Duration SOCKET_TIMEOUT = Duration.ofSeconds(5);

    private final Process process;
    private final Path socket;
    private final Path log;

    private HaproxyProcess(Process process, Path socket, Path log) {
        this.process = process;
        this.socket = socket;
        this.log = log;
    }

    /** The haproxy executable: on the PATH, or where Debian puts it; empty when haproxy is not installed. */
    static Optional<Path> executable() {
        Stream<Path> onPath = Arrays.stream(
                        System.getenv().getOrDefault("PATH", "").split(java.io.File.pathSeparator))
                .filter(dir -> !dir.isEmpty())
                .map(dir -> Path.of(dir, "haproxy"));
        return Stream.concat(onPath, Stream.of(Path.of("/usr/sbin/haproxy")))
                .filter(Files::isExecutable)
                .findFirst();
    }

    /**
     * Checks {@code config} with these environment variables ({@code haproxy -c}), then starts haproxy on it in the
     * foreground and waits until it listens on {@code frontendPort} and its admin socket answers. The admin socket
     * goes to a directory of its own in the temporary directory (a Unix socket's path is at most 97 bytes to haproxy, and
     * a checkout's {@code target/} may be deeper than that: .ci/run runs the Tomcat ITs in a copy under target/), the
     * log (haproxy's standard output: requests and health checks) to {@code workDir}.
     */
    static HaproxyProcess start(
            Path executable, Path config, Map<String, String> environment, int frontendPort, Path workDir)
            throws Exception {
        Path socket = Files.createTempDirectory("jobpulse-lb").resolve("haproxy.sock");
        Map<String, String> env = new HashMap<>(environment);
        env.put("JOBPULSE_LB_SOCKET", socket.toString());
        try {
            check(executable, config, env, workDir.resolve("haproxy-check.log"));
        } catch (Exception | AssertionError rejected) {
            Files.deleteIfExists(socket.getParent()); // haproxy never ran: the directory is empty
            throw rejected;
        }
        Path log = workDir.resolve("haproxy.log");
        HaproxyProcess haproxy = new HaproxyProcess(
                process(List.of(executable.toString(), "-db", "-f", config.toString()), env, log), socket, log);
        try {
            Await.until("haproxy listening on port " + frontendPort + " with its admin socket", START_TIMEOUT, () -> {
                if (!haproxy.process.isAlive()) {
                    throw new AssertionError(
                            "haproxy exited with " + haproxy.process.exitValue() + ": " + haproxy.log());
                }
                return listens(frontendPort) && Files.exists(socket);
            });
        } catch (Exception | AssertionError notStarted) {
            haproxy.close();
            throw notStarted;
        }
        return haproxy;
    }

    /** {@code haproxy -c}: fails when haproxy rejects {@code config} or takes longer than the start timeout. */
    private static void check(Path executable, Path config, Map<String, String> env, Path checkLog) throws Exception {
        Process check = process(List.of(executable.toString(), "-c", "-f", config.toString()), env, checkLog);
        if (!check.waitFor(START_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
            check.destroyForcibly();
            throw new AssertionError("haproxy -c did not finish within " + START_TIMEOUT);
        }
        if (check.exitValue() != 0) {
            throw new AssertionError("haproxy rejects " + config + ": " + Files.readString(checkLog));
        }
    }

    /**
     * The status haproxy gives server {@code server} of {@code backend} ({@code UP}, {@code DOWN}, {@code DRAIN},
     * {@code UP 1/2} while going down, ...), from {@code show stat} on the admin socket.
     */
    String status(String backend, String server) throws Exception {
        List<String> lines = command("show stat").lines().toList();
        List<String> columns =
                Arrays.asList(lines.get(0).replaceFirst("^# ", "").split(",", -1));
        int name = columns.indexOf("svname");
        int status = columns.indexOf("status");
        for (String line : lines.subList(1, lines.size())) {
            String[] fields = line.split(",", -1);
            if (fields.length > status && fields[0].equals(backend) && fields[name].equals(server)) {
                return fields[status];
            }
        }
        throw new AssertionError("no server " + backend + "/" + server + " in haproxy's stats: " + lines);
    }

    /** One admin-socket command (e.g. {@code set server b/s state drain}); what haproxy answered. */
    String command(String command) throws Exception {
        SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX);
        CompletableFuture<String> answer = CompletableFuture.supplyAsync(() -> {
            try (channel) {
                channel.connect(UnixDomainSocketAddress.of(socket));
                channel.write(ByteBuffer.wrap((command + "\n").getBytes(StandardCharsets.US_ASCII)));
                ByteArrayOutputStream out = new ByteArrayOutputStream();
                ByteBuffer buffer = ByteBuffer.allocate(8192);
                while (channel.read(buffer) >= 0) {
                    out.write(buffer.array(), 0, buffer.position());
                    buffer.clear();
                }
                return out.toString(StandardCharsets.US_ASCII);
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
        try {
            return answer.get(SOCKET_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            channel.close();
            throw new AssertionError(
                    "haproxy's admin socket did not answer '" + command + "' within " + SOCKET_TIMEOUT, e);
        } catch (ExecutionException e) {
            throw new AssertionError("haproxy's admin socket failed on '" + command + "'", e.getCause());
        }
    }

    /** What haproxy logged: requests, health checks and state changes. */
    String log() throws IOException {
        return Files.readString(log);
    }

    @Override
    public void close() throws InterruptedException, IOException {
        if (process.isAlive()) {
            process.destroy();
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor(10, TimeUnit.SECONDS);
            }
        }
        Files.deleteIfExists(socket);
        Files.deleteIfExists(socket.getParent());
    }

    private static Process process(List<String> command, Map<String, String> environment, Path output)
            throws IOException {
        ProcessBuilder builder =
                new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(output.toFile());
        builder.environment().putAll(environment);
        return builder.start();
    }

    private static boolean listens(int port) {
        try (Socket probe = new Socket()) {
            probe.connect(new InetSocketAddress("127.0.0.1", port), 500);
            return true;
        } catch (IOException notYet) {
            return false;
        }
    }
}
