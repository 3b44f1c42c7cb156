package io.jobpulse.it;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A WebSocket client on a plain socket, written from RFC 6455 for hostile-input tests: it sends the handshake it is
 * told to (any Origin, version, subprotocol or extra headers), then any bytes or {@link Frames frames}, and reads
 * frames back. Every read has a timeout ({@link #WAIT} unless told otherwise); nothing here waits forever.
 */
final class RawWebSocket implements AutoCloseable {

    static final Duration WAIT = Duration.ofSeconds(20);
    private static final String GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";
    private static final int MAX_HEAD_BYTES = 64 * 1024;
    private static final SecureRandom RANDOM = new SecureRandom();

    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;
    private final int status;
    private final Map<String, String> headers;
    private final String key;

    private RawWebSocket(Socket socket, InputStream in, int status, Map<String, String> headers, String key)
            throws IOException {
        this.socket = socket;
        this.in = in;
        this.out = socket.getOutputStream();
        this.status = status;
        this.headers = headers;
        this.key = key;
    }

    /** A handshake to {@code ws} (a {@code ws://} URI) on loopback; by default a valid one asking for jobpulse.v1. */
    static Handshake to(URI ws) {
        return new Handshake(ws);
    }

    /** Opens a socket to the host and port of {@code ws} with {@link #WAIT} as connect and read timeout. */
    static Socket connect(URI ws) throws IOException {
        return connect(ws, null, 0);
    }

    /**
     * Like {@link #connect(URI)}, from a chosen local address (any of 127.0.0.0/8, to appear as several clients) and,
     * when {@code receiveBuffer} is positive, with that small a receive buffer (a client on a slow link).
     */
    static Socket connect(URI ws, String localAddress, int receiveBuffer) throws IOException {
        Socket socket = new Socket();
        if (receiveBuffer > 0) {
            socket.setReceiveBufferSize(receiveBuffer); // before connect, so the TCP window is small from the start
        }
        if (localAddress != null) {
            socket.bind(new InetSocketAddress(localAddress, 0));
        }
        socket.connect(new InetSocketAddress(ws.getHost(), ws.getPort()), (int) WAIT.toMillis());
        socket.setSoTimeout((int) WAIT.toMillis());
        socket.setTcpNoDelay(true);
        return socket;
    }

    static final class Handshake {
        private final URI ws;
        private final Map<String, String> fields = new LinkedHashMap<>();
        private final List<String> extraLines = new ArrayList<>();
        private String localAddress;
        private int receiveBuffer;

        private Handshake(URI ws) {
            this.ws = ws;
            fields.put("Host", ws.getHost() + ":" + ws.getPort());
            fields.put("Upgrade", "websocket");
            fields.put("Connection", "Upgrade");
            byte[] nonce = new byte[16];
            RANDOM.nextBytes(nonce);
            fields.put("Sec-WebSocket-Key", Base64.getEncoder().encodeToString(nonce));
            fields.put("Sec-WebSocket-Version", "13");
            fields.put("Sec-WebSocket-Protocol", "jobpulse.v1");
        }

        Handshake origin(String origin) {
            return header("Origin", origin);
        }

        /** Connects from this local address (a loopback one such as 127.0.0.2). */
        Handshake from(String address) {
            this.localAddress = address;
            return this;
        }

        /** Connects with this small a socket receive buffer, in bytes. */
        Handshake receiveBuffer(int bytes) {
            this.receiveBuffer = bytes;
            return this;
        }

        Handshake version(String version) {
            return header("Sec-WebSocket-Version", version);
        }

        Handshake protocol(String protocol) {
            return header("Sec-WebSocket-Protocol", protocol);
        }

        /** Sets (or, with {@code null}, leaves out) one header of the handshake. */
        Handshake header(String name, String value) {
            if (value == null) {
                fields.remove(name);
            } else {
                fields.put(name, value);
            }
            return this;
        }

        /** Adds one more header line after the others, even a repeated name. */
        Handshake extraHeader(String name, String value) {
            extraLines.add(name + ": " + value);
            return this;
        }

        byte[] requestBytes() {
            StringBuilder request =
                    new StringBuilder("GET ").append(ws.getRawPath()).append(" HTTP/1.1\r\n");
            fields.forEach((name, value) ->
                    request.append(name).append(": ").append(value).append("\r\n"));
            extraLines.forEach(line -> request.append(line).append("\r\n"));
            return request.append("\r\n").toString().getBytes(StandardCharsets.ISO_8859_1);
        }

        /**
         * Sends the handshake and reads the response head. Any status is returned (101 or a refusal); a server that
         * closes the connection instead of answering is an {@link EOFException}.
         */
        RawWebSocket open() throws IOException {
            Socket socket = connect(ws, localAddress, receiveBuffer);
            try {
                socket.getOutputStream().write(requestBytes());
                socket.getOutputStream().flush();
                InputStream in = new BufferedInputStream(socket.getInputStream());
                String head = readHead(in);
                String[] lines = head.split("\r\n");
                String[] statusLine = lines[0].split(" ", 3);
                if (statusLine.length < 2 || !statusLine[0].startsWith("HTTP/")) {
                    throw new IOException("not an HTTP status line: " + lines[0]);
                }
                Map<String, String> headers = new LinkedHashMap<>();
                for (int i = 1; i < lines.length; i++) {
                    int colon = lines[i].indexOf(':');
                    if (colon > 0) {
                        headers.merge(
                                lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT),
                                lines[i].substring(colon + 1).trim(),
                                (a, b) -> a + ", " + b);
                    }
                }
                return new RawWebSocket(
                        socket, in, Integer.parseInt(statusLine[1]), headers, fields.get("Sec-WebSocket-Key"));
            } catch (IOException | RuntimeException e) {
                socket.close();
                throw e;
            }
        }
    }

    /** The response head up to the empty line, byte by byte so no frame byte after it is consumed. */
    private static String readHead(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int matched = 0;
        while (matched < 4) {
            int b = in.read();
            if (b < 0) {
                throw new EOFException("connection closed after " + head.size() + " bytes of the response head: "
                        + head.toString(StandardCharsets.ISO_8859_1));
            }
            head.write(b);
            if (head.size() > MAX_HEAD_BYTES) {
                throw new IOException("response head over " + MAX_HEAD_BYTES + " bytes");
            }
            matched = b == (matched % 2 == 0 ? '\r' : '\n') ? matched + 1 : b == '\r' ? 1 : 0;
        }
        return head.toString(StandardCharsets.ISO_8859_1);
    }

    int status() {
        return status;
    }

    /** The body of a refused handshake (not 101), as long as its Content-Length says, in UTF-8. */
    String body() throws IOException {
        int length = header("Content-Length")
                .map(String::trim)
                .map(Integer::parseInt)
                .orElseThrow(() -> new AssertionError("no Content-Length on a " + status + " answer: " + headers));
        return new String(in.readNBytes(length), StandardCharsets.UTF_8);
    }

    Optional<String> header(String name) {
        return Optional.ofNullable(headers.get(name.toLowerCase(Locale.ROOT)));
    }

    /** Whether {@code Sec-WebSocket-Accept} is the one section 4.2.2 derives from the key this client sent. */
    boolean acceptIsValid() {
        try {
            byte[] sha1 = MessageDigest.getInstance("SHA-1").digest((key + GUID).getBytes(StandardCharsets.ISO_8859_1));
            return header("Sec-WebSocket-Accept")
                    .filter(Base64.getEncoder().encodeToString(sha1)::equals)
                    .isPresent();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Opens with a valid handshake and fails unless the server switches protocols. */
    static RawWebSocket connectUpgraded(URI ws) throws IOException {
        RawWebSocket socket = to(ws).open();
        if (socket.status() != 101 || !socket.acceptIsValid()) {
            socket.close();
            throw new AssertionError("handshake answered " + socket.status() + " " + socket.headers);
        }
        return socket;
    }

    void send(Frames.Builder frame) throws IOException {
        send(frame.bytes());
    }

    void send(byte[] bytes) throws IOException {
        out.write(bytes);
        out.flush();
    }

    /**
     * Writes on another thread, so a test can read what the server answers while a long write is under way (a
     * server that stops reading must not block the test). The future fails with the write's IOException, if any.
     */
    CompletableFuture<Void> sendInBackground(Iterable<byte[]> chunks) {
        return CompletableFuture.runAsync(
                () -> {
                    try {
                        for (byte[] chunk : chunks) {
                            out.write(chunk);
                        }
                        out.flush();
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                },
                task -> {
                    Thread writer = new Thread(task, "raw-websocket-writer");
                    writer.setDaemon(true);
                    writer.start();
                });
    }

    /** The next frame, within {@code wait}; {@link SocketTimeoutException} when none arrives in time. */
    Frames.Frame read(Duration wait) throws IOException {
        socket.setSoTimeout((int) Math.max(1, wait.toMillis()));
        return Frames.read(in);
    }

    Frames.Frame read() throws IOException {
        return read(WAIT);
    }

    /**
     * Reads until the server ends the connection, within {@code wait} in all: its close frame (skipping any data,
     * ping or pong frames before it), or the end of the stream / a reset without one. Time out is an AssertionError.
     */
    Ending awaitEnding(Duration wait) throws IOException {
        long deadline = System.nanoTime() + wait.toNanos();
        List<Frames.Frame> before = new ArrayList<>();
        while (true) {
            long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
            if (left <= 0) {
                throw new AssertionError("the server neither closed nor dropped the connection within " + wait
                        + "; frames seen: " + abbreviate(before));
            }
            Frames.Frame frame;
            try {
                frame = read(Duration.ofMillis(left));
            } catch (SocketTimeoutException e) {
                continue;
            } catch (EOFException e) {
                return new Ending(Optional.empty(), "end of stream", before.size());
            } catch (SocketException e) {
                return new Ending(Optional.empty(), "reset", before.size());
            }
            if (frame.isClose()) {
                return new Ending(Optional.of(frame), "close frame", before.size());
            }
            before.add(frame);
        }
    }

    Ending awaitEnding() throws IOException {
        return awaitEnding(WAIT);
    }

    /**
     * After a close frame: whether the server then closes the TCP connection itself within {@code wait}, reading
     * (and discarding) anything else it sends.
     */
    boolean tcpClosedWithin(Duration wait) throws IOException {
        long deadline = System.nanoTime() + wait.toNanos();
        byte[] buffer = new byte[8192];
        while (System.nanoTime() < deadline) {
            socket.setSoTimeout((int) Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())));
            try {
                if (in.read(buffer) < 0) {
                    return true;
                }
            } catch (SocketTimeoutException e) {
                return false;
            } catch (SocketException e) {
                return true;
            }
        }
        return false;
    }

    private static String abbreviate(List<Frames.Frame> frames) {
        return frames.size() <= 5 ? frames.toString() : frames.subList(0, 5) + " and " + (frames.size() - 5) + " more";
    }

    /** Closes the socket without a close frame. */
    @Override
    public void close() throws IOException {
        socket.close();
    }

    /**
     * How the server ended a connection: with a close frame (its code and reason), or by closing ("end of stream")
     * or resetting the TCP connection without one. {@code framesBefore} counts the other frames read first.
     */
    record Ending(Optional<Frames.Frame> close, String how, int framesBefore) {

        /** "close 1002", or "dropped" when the TCP connection ended without a close frame. */
        String summary() {
            return close.map(frame -> "close " + frame.closeCode()).orElse("dropped");
        }

        @Override
        public String toString() {
            return close.map(Frames.Frame::toString).orElse(how) + " after " + framesBefore + " other frames";
        }
    }

    /** Waits for a future the test started, failing the test on timeout. */
    static <T> T await(CompletableFuture<T> future, Duration wait) throws InterruptedException {
        try {
            return future.get(wait.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            throw new AssertionError("not done within " + wait, e);
        } catch (ExecutionException e) {
            throw new AssertionError(e.getCause());
        }
    }
}
