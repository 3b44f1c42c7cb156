package io.jobpulse.inprocess;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An HTTP/1.1 proxy in front of the in-process server for the Java client's report retries: forwards each request to
 * the server and writes its answer back, except that it can lose answers: for the next {@link #loseAnswers(int)}
 * requests it forwards the request (the server applies it) and then closes the connection without answering, as a
 * network that drops the answer does. Records each answer's status. One request per connection (it answers with
 * {@code Connection: close}); small bodies only.
 */
final class AnswerDroppingProxy implements AutoCloseable {

    private final ServerSocket socket;
    private final URI target;
    private final HttpClient http = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Rest.TIMEOUT)
            .build();
    private final AtomicInteger toLose = new AtomicInteger();
    private final List<Integer> statuses = new CopyOnWriteArrayList<>();
    private final Thread acceptor;

    /** Forwards {@code http://127.0.0.1:<port>/<path>} to {@code target.resolve(path)}. */
    AnswerDroppingProxy(URI target) throws IOException {
        this.target = target;
        this.socket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        this.acceptor = new Thread(this::accept, "answer-dropping-proxy");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    /** This proxy's address for {@code uri} of the server. */
    URI via(URI uri) {
        return URI.create("http://127.0.0.1:" + socket.getLocalPort() + uri.getRawPath());
    }

    void loseAnswers(int count) {
        toLose.set(count);
    }

    /** The status of every answer the server gave through the proxy, lost ones included. */
    List<Integer> statuses() {
        return List.copyOf(statuses);
    }

    private void accept() {
        while (!socket.isClosed()) {
            try {
                Socket connection = socket.accept();
                Thread t = new Thread(() -> serve(connection), "answer-dropping-proxy-connection");
                t.setDaemon(true);
                t.start();
            } catch (IOException closed) {
                return;
            }
        }
    }

    private void serve(Socket connection) {
        try (connection) {
            InputStream in = connection.getInputStream();
            String[] head = readHead(in).split("\r\n", -1);
            String[] requestLine = head[0].split(" ", -1);
            HttpRequest.Builder forward =
                    HttpRequest.newBuilder(target.resolve(requestLine[1])).timeout(Rest.TIMEOUT);
            int length = 0;
            for (int i = 1; i < head.length; i++) {
                int colon = head[i].indexOf(':');
                String name = head[i].substring(0, colon).trim();
                String value = head[i].substring(colon + 1).trim();
                switch (name.toLowerCase(Locale.ROOT)) {
                    case "content-length" -> length = Integer.parseInt(value);
                    case "host", "connection", "upgrade", "http2-settings" -> {
                        // restricted or hop-by-hop: the forwarding client sets its own
                    }
                    default -> forward.header(name, value);
                }
            }
            byte[] body = in.readNBytes(length);
            forward.method(requestLine[0], HttpRequest.BodyPublishers.ofByteArray(body));
            HttpResponse<byte[]> answer = http.send(forward.build(), HttpResponse.BodyHandlers.ofByteArray());
            statuses.add(answer.statusCode());
            if (toLose.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
                return; // applied by the server; the answer is lost on the way back
            }
            OutputStream out = connection.getOutputStream();
            StringBuilder response = new StringBuilder("HTTP/1.1 " + answer.statusCode() + " X\r\n");
            answer.headers().map().forEach((name, values) -> {
                if (!name.equalsIgnoreCase("content-length")
                        && !name.equalsIgnoreCase("connection")
                        && !name.equalsIgnoreCase("transfer-encoding")
                        && !name.startsWith(":")) {
                    values.forEach(
                            v -> response.append(name).append(": ").append(v).append("\r\n"));
                }
            });
            response.append("Content-Length: ").append(answer.body().length).append("\r\nConnection: close\r\n\r\n");
            out.write(response.toString().getBytes(StandardCharsets.ISO_8859_1));
            out.write(answer.body());
            out.flush();
        } catch (IOException e) {
            // the client went away: nothing to answer
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static String readHead(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int matched = 0;
        byte[] end = {'\r', '\n', '\r', '\n'};
        while (matched < 4) {
            int b = in.read();
            if (b < 0) {
                throw new IOException("the request ended in its head");
            }
            head.write(b);
            matched = b == end[matched] ? matched + 1 : (b == '\r' ? 1 : 0);
        }
        String text = head.toString(StandardCharsets.ISO_8859_1);
        return text.substring(0, text.length() - 4);
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
