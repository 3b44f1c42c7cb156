package io.jobpulse.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.BufferedInputStream;
import java.io.BufferedReader;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import javax.management.JMException;
import javax.management.MBeanServerConnection;
import javax.management.ObjectName;
import javax.management.remote.JMXConnector;
import javax.management.remote.JMXConnectorFactory;
import javax.management.remote.JMXServiceURL;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * That server-config/&lt;server&gt;/ is applied to the server under test: on every server the WebSocket handshake
 * does not accept permessage-deflate even when the client offers it and a keep-alive connection serves hundreds of
 * requests; on Tomcat and WildFly the kernel send buffer of an open WebSocket is capped; on Tomcat the connector runs
 * requests on the threads server.xml's {@code tomcat.virtual-threads} asks for, and a Tomcat whose connector cannot
 * start exits instead of running without listening (setenv.sh); and settings of each server's own files, observed from
 * outside (the other servers' tests are skipped, visibly).
 */
class ServerConfigIT extends DeployedWar {

    /** What server.xml and jobpulse.cli set (32 KiB), as Linux reports it: doubled, for its own bookkeeping. */
    private static final int CAPPED_SEND_BUFFER = 2 * 32 * 1024;

    private static final Pattern SKMEM_SEND_BUFFER = Pattern.compile("\\btb(\\d+)");

    @Test
    void tomcatAccessLogKeepsWatchTokensOutAsServerXmlSays() throws Exception {
        String home = System.getProperty("tomcat.catalinaHome");
        assumeTrue(home != null, "Tomcat only (server-config/tomcat/server.xml)");
        String marker = "marker" + ThreadLocalRandom.current().nextLong(1_000_000_000L);
        assertThat(alice.get("api/jobs/" + marker + "/events?token=secret-" + marker)
                        .statusCode())
                .isEqualTo(404);
        Path logs = Path.of(home, "logs");
        // the valve writes buffered: its background task flushes about every 10 s
        Await.until(
                "the request in the access log",
                Duration.ofSeconds(30),
                Duration.ofMillis(500),
                () -> !accessLogLines(logs, marker).isEmpty());
        List<String> lines = accessLogLines(logs, marker);
        assertThat(lines).as("without its query string").noneMatch(line -> line.contains("secret-" + marker));
    }

    @Test
    void tomcatErrorPagesShowNeitherReportNorVersionAsServerXmlSays() {
        assumeTrue(System.getProperty("tomcat.catalinaHome") != null, "Tomcat only (server-config/tomcat/server.xml)");
        // a request line above maxHttpHeaderSize (8 KB): Tomcat answers it itself, JobPulse never sees it (so it is no
        // answer of the OpenAPI document: unchecked)
        HttpResponse<String> response = alice.unchecked().get("api/jobs/" + "x".repeat(10 * 1024));

        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(response.body())
                .as(response.body())
                .doesNotContain("Exception")
                .doesNotContain("Apache Tomcat")
                .doesNotContain("Request header is too large");
    }

    @Test
    void aKeepAliveConnectionServesAWorkersReportsPastTheContainersDefaultLimit() throws IOException {
        // Tomcat closes a connection after maxKeepAliveRequests (100 unless set), Payara after its HTTP protocol's
        // max-connections (250): a worker reporting every 100 ms would reconnect every 10 or 25 s. server.xml and
        // pre-boot-commands.asadmin allow 10 000; WildFly sets no such limit.
        String request = "GET " + base.getRawPath() + "health/live HTTP/1.1\r\nHost: " + base.getHost() + ":"
                + base.getPort() + "\r\n\r\n";
        try (Socket socket = new Socket(base.getHost(), base.getPort())) {
            socket.setSoTimeout(20_000);
            OutputStream out = socket.getOutputStream();
            InputStream in = new BufferedInputStream(socket.getInputStream());
            for (int i = 1; i <= 300; i++) {
                out.write(request.getBytes(StandardCharsets.US_ASCII));
                out.flush();
                List<String> head = responseHead(in);
                assertThat(head.get(0)).as("status line of answer %d", i).startsWith("HTTP/1.1 200");
                assertThat(String.valueOf(header(head, "connection")).toLowerCase(Locale.ROOT))
                        .as("Connection header of answer %d", i)
                        .doesNotContain("close");
                in.readNBytes(Integer.parseInt(header(head, "content-length")));
            }
        }
    }

    /** The status and header lines of the next response on {@code in}, up to and without the blank line. */
    private static List<String> responseHead(InputStream in) throws IOException {
        List<String> lines = new ArrayList<>();
        StringBuilder line = new StringBuilder();
        for (int b = in.read(); b >= 0; b = in.read()) {
            if (b == '\n') {
                String text = line.toString().stripTrailing();
                if (text.isEmpty()) {
                    return lines;
                }
                lines.add(text);
                line.setLength(0);
            } else {
                line.append((char) b);
            }
        }
        throw new EOFException("the server closed the connection after " + lines);
    }

    /**
     * server.xml's {@code useVirtualThreads="${tomcat.virtual-threads:-false}"}: off, requests run on the connector's
     * pool of platform threads ({@code http-nio-<port>-exec-N}); on ({@code -Dtomcat.virtual-threads=true}, the Tomcat
     * 11 pass of .ci/run on Java 25), on virtual threads, and no such pool exists. Read over the JMX connection the
     * Arquillian adapter opens, after requests have been served.
     */
    @Test
    void tomcatRunsRequestsOnTheThreadsServerXmlAsksFor() throws Exception {
        String jmxPort = System.getProperty("tomcat.jmxPort");
        assumeTrue(jmxPort != null, "Tomcat only (server-config/tomcat/server.xml)");
        boolean virtual = Boolean.parseBoolean(System.getProperty("tomcat.virtualThreads", "false"));
        String port = System.getProperty("tomcat.httpPort");
        assertThat(alice.get("api/jobs").statusCode()).isEqualTo(200);
        ConnectorThreads threads = CompletableFuture.supplyAsync(() -> connectorThreads(jmxPort, port))
                .get(60, TimeUnit.SECONDS);
        assertThat(threads.virtual()).as("the connector's useVirtualThreads").isEqualTo(virtual);
        if (virtual) {
            assertThat(threads.platformThreads())
                    .as("the connector's platform threads")
                    .isEmpty();
        } else {
            assertThat(threads.platformThreads())
                    .as("the connector's platform threads")
                    .isNotEmpty();
        }
    }

    /**
     * setenv.sh's fail-fast: a Tomcat whose connector cannot bind its port exits with status 1. Tomcat's default is to
     * log SEVERE and run on without listening (the readiness wait would then give up after its 180 s and fail this).
     */
    @Test
    void tomcatExitsWhenItsPortIsTakenInsteadOfRunningWithoutListening(@TempDir Path dir) throws Exception {
        assumeTrue(System.getProperty("tomcat.catalinaHome") != null, "Tomcat only (server-config/tomcat/setenv.sh)");
        try (ServerSocket taken = new ServerSocket()) {
            taken.bind(new InetSocketAddress(0)); // every address, as the connector binds its port
            assertThatThrownBy(() -> TomcatProcess.start(dir, List.of(), taken.getLocalPort())
                            .close())
                    .isInstanceOf(AssertionError.class)
                    .hasMessageContaining("Tomcat exited with 1")
                    .hasMessageContaining("Address already in use");
        }
    }

    /**
     * The same for a connector that binds but cannot start: virtual threads asked for where Tomcat runs on Java 17.
     * Tomcat's start has no failure status, so it exits with 0, having said why.
     */
    @Test
    void tomcatOnJavaOlderThan21ExitsWhenVirtualThreadsAreAskedFor(@TempDir Path dir) throws Exception {
        assumeTrue(System.getProperty("tomcat.catalinaHome") != null, "Tomcat only (server-config/tomcat/setenv.sh)");
        int java = TomcatProcess.javaFeature();
        assumeTrue(java < 21, "Tomcat runs on Java " + java + " here, where virtual threads start");
        assertThatThrownBy(() -> TomcatProcess.start(dir, List.of("-Dtomcat.virtual-threads=true"), 0)
                        .close())
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("Tomcat exited with 0")
                .hasMessageContaining("You must use Java 21 or later")
                .hasMessageContaining("Tomcat is unable to start");
    }

    /** What Tomcat's JMX says of the HTTP connector's threads. */
    private record ConnectorThreads(boolean virtual, List<String> platformThreads) {}

    private static ConnectorThreads connectorThreads(String jmxPort, String httpPort) {
        try (JMXConnector jmx = JMXConnectorFactory.connect(
                new JMXServiceURL("service:jmx:rmi:///jndi/rmi://127.0.0.1:" + jmxPort + "/jmxrmi"))) {
            MBeanServerConnection server = jmx.getMBeanServerConnection();
            ObjectName pool = new ObjectName("Catalina:type=ThreadPool,name=\"http-nio-" + httpPort + "\"");
            ThreadMXBean threads = ManagementFactory.newPlatformMXBeanProxy(
                    server, ManagementFactory.THREAD_MXBEAN_NAME, ThreadMXBean.class);
            List<String> names = Arrays.stream(threads.getThreadInfo(threads.getAllThreadIds()))
                    .filter(Objects::nonNull)
                    .map(ThreadInfo::getThreadName)
                    .filter(name -> name.startsWith("http-nio-" + httpPort + "-exec-"))
                    .toList();
            return new ConnectorThreads((Boolean) server.getAttribute(pool, "useVirtualThreads"), names);
        } catch (IOException | JMException e) {
            throw new IllegalStateException("Tomcat's JMX on port " + jmxPort, e);
        }
    }

    @Test
    void wildflyRunsWithTheLimitsOfJobpulseCli() throws Exception {
        assumeTrue(System.getProperty("jboss.home") != null, "WildFly only (server-config/wildfly/jobpulse.cli)");
        assertThat(wildflyListenerAttribute("max-connections")).contains("\"result\" => 10000");
        assertThat(wildflyListenerAttribute("send-buffer")).contains("\"result\" => 32768");
    }

    @Test
    void openWebSocketHasTheCappedKernelSendBuffer() throws Exception {
        assumeTrue(
                System.getProperty("tomcat.catalinaHome") != null || System.getProperty("jboss.home") != null,
                "Tomcat and WildFly only: Payara Micro cannot lower the send buffer (server-config/payara/README.md)");
        assumeTrue(System.getProperty("os.name").startsWith("Linux"), "reads the socket with Linux's ss");
        try (Socket socket = openWebSocket()) {
            String ss = run(
                    "ss",
                    "-t",
                    "-m",
                    "-n",
                    "state",
                    "established",
                    "( sport = :" + ws.getPort() + " and dport = :" + socket.getLocalPort() + " )");
            Matcher sendBuffer = SKMEM_SEND_BUFFER.matcher(ss);
            assertThat(sendBuffer.find())
                    .as("the server's side of the connection in ss: " + ss)
                    .isTrue();
            assertThat(Integer.parseInt(sendBuffer.group(1))).as(ss).isEqualTo(CAPPED_SEND_BUFFER);
        }
    }

    /** jboss-cli's answer to reading an attribute of the HTTP listener of the running WildFly. */
    private static String wildflyListenerAttribute(String name) throws Exception {
        String controller = "remote+http://127.0.0.1:" + System.getProperty("wildfly.management-port", "9990");
        String output = run(
                Path.of(System.getProperty("jboss.home"), "bin", "jboss-cli.sh").toString(),
                "-c",
                "--controller=" + controller,
                "--command=/subsystem=undertow/server=default-server/http-listener=default:read-attribute(name=" + name
                        + ")");
        assertThat(output).as(output).contains("\"outcome\" => \"success\"");
        return output;
    }

    /** Runs a command to its end (at most 60 s) and returns what it printed, stdout and stderr together. */
    private static String run(String... command) throws Exception {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        process.getOutputStream().close();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(60, TimeUnit.SECONDS))
                .as(String.join(" ", command) + " finished")
                .isTrue();
        return output;
    }

    private static List<String> accessLogLines(Path logs, String marker) throws IOException {
        List<String> found = new ArrayList<>();
        try (Stream<Path> files = Files.list(logs)) {
            for (Path file : files.filter(f -> f.getFileName().toString().startsWith("localhost_access_log"))
                    .toList()) {
                Files.readAllLines(file, StandardCharsets.UTF_8).stream()
                        .filter(l -> l.contains(marker))
                        .forEach(found::add);
            }
        }
        return found;
    }

    @Test
    void handshakeDoesNotAcceptPermessageDeflateWhenTheClientOffersIt() throws IOException {
        List<String> response = handshake("permessage-deflate; client_max_window_bits");

        assertThat(response.get(0)).as("status line").startsWith("HTTP/1.1 101");
        assertThat(header(response, "sec-websocket-protocol")).isEqualTo("jobpulse.v1");
        String accepted = header(response, "sec-websocket-extensions");
        assertThat(accepted == null ? "" : accepted.toLowerCase(Locale.ROOT))
                .as("accepted extensions")
                .doesNotContain("deflate");
    }

    /** Sends a raw upgrade request offering {@code extensions} and returns the response's status and header lines. */
    private List<String> handshake(String extensions) throws IOException {
        try (Socket socket = new Socket(ws.getHost(), ws.getPort())) {
            return upgrade(socket, extensions);
        }
    }

    /** A WebSocket upgraded with a raw request, open until the caller closes it. */
    private Socket openWebSocket() throws IOException {
        Socket socket = new Socket(ws.getHost(), ws.getPort());
        try {
            assertThat(upgrade(socket, "").get(0)).as("status line").startsWith("HTTP/1.1 101");
            return socket;
        } catch (IOException | RuntimeException | Error e) {
            socket.close();
            throw e;
        }
    }

    private List<String> upgrade(Socket socket, String extensions) throws IOException {
        byte[] nonce = new byte[16];
        ThreadLocalRandom.current().nextBytes(nonce);
        String request = "GET " + ws.getRawPath() + " HTTP/1.1\r\n"
                + "Host: " + ws.getHost() + ":" + ws.getPort() + "\r\n"
                + "Upgrade: websocket\r\n"
                + "Connection: Upgrade\r\n"
                + "Sec-WebSocket-Key: " + Base64.getEncoder().encodeToString(nonce) + "\r\n"
                + "Sec-WebSocket-Version: 13\r\n"
                + "Sec-WebSocket-Protocol: jobpulse.v1\r\n"
                + (extensions.isEmpty() ? "" : "Sec-WebSocket-Extensions: " + extensions + "\r\n")
                + "\r\n";
        socket.setSoTimeout(20_000);
        OutputStream out = socket.getOutputStream();
        out.write(request.getBytes(StandardCharsets.US_ASCII));
        out.flush();
        BufferedReader in =
                new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.US_ASCII));
        List<String> lines = new ArrayList<>();
        for (String line = in.readLine(); line != null && !line.isEmpty(); line = in.readLine()) {
            lines.add(line);
        }
        assertThat(lines).as("handshake response").isNotEmpty();
        return lines;
    }

    /** The value of the named header (case-insensitive), or null when the response has none. */
    private static String header(List<String> response, String name) {
        return response.stream()
                .skip(1)
                .filter(line -> line.toLowerCase(Locale.ROOT).startsWith(name + ":"))
                .map(line -> line.substring(name.length() + 1).trim())
                .findFirst()
                .orElse(null);
    }
}
