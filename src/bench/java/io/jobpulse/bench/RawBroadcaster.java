package io.jobpulse.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * The physical reference: one thread, one selector, the WebSocket handshake written by hand, each event encoded once
 * into one frame and written with one non-blocking {@code write()} per connection. It speaks just enough of
 * {@code jobpulse.v1} for the load client: any text message is answered with {@code subscribed}; events look like
 * JobPulse's. Control over plain HTTP on the same port: {@code GET /ctl/pub?seq=&kind=&state=&done=&total=} publishes,
 * {@code GET /ctl/stats} collects garbage and reports the heap.
 *
 * <pre>java io.jobpulse.bench.RawBroadcaster PORT</pre>
 */
public final class RawBroadcaster {

    private static final String GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC11B65";
    private static final byte[] SUBSCRIBED =
            frame(0x1, "{\"type\":\"subscribed\",\"job\":\"" + BenchJob.REFERENCE_JOB + "\",\"resumed\":false}");

    /** Per connection: as little as possible, so the heap per connection is the floor of a Java server. */
    private static final class Conn {
        final SocketChannel ch;
        ByteBuffer in; // request bytes before the upgrade, then only an incomplete frame
        ByteBuffer out; // only what a write left over
        boolean ws;
        int index; // in sockets, once upgraded

        Conn(SocketChannel ch) {
            this.ch = ch;
        }
    }

    private final Selector selector;
    private final List<Conn> sockets = new ArrayList<>();
    private final ByteBuffer read = ByteBuffer.allocateDirect(64 * 1024);

    private RawBroadcaster(Selector selector) {
        this.selector = selector;
    }

    public static void main(String[] args) throws IOException {
        int port = Integer.parseInt(args[0]);
        Selector selector = Selector.open();
        ServerSocketChannel server = ServerSocketChannel.open();
        server.bind(new InetSocketAddress("127.0.0.1", port), 4096);
        server.configureBlocking(false);
        server.register(selector, SelectionKey.OP_ACCEPT);
        System.out.println("RawBroadcaster listening on 127.0.0.1:" + port);
        new RawBroadcaster(selector).loop(server);
    }

    private void loop(ServerSocketChannel server) throws IOException {
        while (true) {
            selector.select();
            Iterator<SelectionKey> keys = selector.selectedKeys().iterator();
            while (keys.hasNext()) {
                SelectionKey key = keys.next();
                keys.remove();
                try {
                    if (!key.isValid()) {
                        continue;
                    }
                    if (key.isAcceptable()) {
                        SocketChannel ch;
                        while ((ch = server.accept()) != null) {
                            ch.configureBlocking(false);
                            ch.setOption(StandardSocketOptions.TCP_NODELAY, true);
                            Conn c = new Conn(ch);
                            ch.register(selector, SelectionKey.OP_READ, c);
                        }
                        continue;
                    }
                    Conn c = (Conn) key.attachment();
                    if (key.isWritable()) {
                        flush(c, key);
                    }
                    if (key.isValid() && key.isReadable()) {
                        onRead(c, key);
                    }
                } catch (IOException | RuntimeException e) {
                    close(key);
                }
            }
        }
    }

    private void onRead(Conn c, SelectionKey key) throws IOException {
        read.clear();
        if (c.in != null) {
            c.in.flip();
            read.put(c.in);
            c.in = null;
        }
        int n = c.ch.read(read);
        if (n < 0) {
            close(key);
            return;
        }
        read.flip();
        if (!c.ws) {
            onRequest(c, key);
        } else {
            onFrames(c, key);
        }
    }

    private void onRequest(Conn c, SelectionKey key) throws IOException {
        byte[] bytes = new byte[read.remaining()];
        read.get(bytes);
        String text = new String(bytes, StandardCharsets.ISO_8859_1);
        int end = text.indexOf("\r\n\r\n");
        if (end < 0) {
            if (bytes.length > 8192) {
                close(key);
                return;
            }
            c.in = ByteBuffer.allocate(bytes.length + 1024).put(bytes);
            return;
        }
        String head = text.substring(0, end);
        String target = head.substring(head.indexOf(' ') + 1, head.indexOf(' ', head.indexOf(' ') + 1));
        if (target.startsWith("/ctl/")) {
            String body = control(target);
            byte[] answer = ("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: "
                            + body.getBytes(StandardCharsets.UTF_8).length + "\r\nConnection: close\r\n\r\n" + body)
                    .getBytes(StandardCharsets.UTF_8);
            key.cancel();
            c.ch.write(ByteBuffer.wrap(answer)); // a few hundred bytes into an empty socket buffer
            c.ch.close();
            return;
        }
        String wsKey = header(head, "sec-websocket-key");
        if (wsKey == null) {
            close(key);
            return;
        }
        String accept = Base64.getEncoder().encodeToString(sha1((wsKey + GUID).getBytes(StandardCharsets.ISO_8859_1)));
        String response = "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                + "Sec-WebSocket-Accept: " + accept + "\r\nSec-WebSocket-Protocol: jobpulse.v1\r\n\r\n";
        c.ws = true;
        c.index = sockets.size();
        sockets.add(c);
        send(c, key, ByteBuffer.wrap(response.getBytes(StandardCharsets.ISO_8859_1)));
        if (bytes.length > end + 4) {
            read.clear();
            read.put(bytes, end + 4, bytes.length - end - 4).flip();
            onFrames(c, key);
        }
    }

    /** Client frames are masked; a text message gets {@code subscribed}, a ping its pong, a close ends the socket. */
    private void onFrames(Conn c, SelectionKey key) throws IOException {
        while (read.remaining() >= 2) {
            int start = read.position();
            int b0 = read.get(start) & 0xff;
            int b1 = read.get(start + 1) & 0xff;
            long len = b1 & 0x7f;
            int header = 2;
            if (len == 126) {
                if (read.remaining() < 4) {
                    break;
                }
                len = read.getShort(start + 2) & 0xffff;
                header = 4;
            } else if (len == 127) {
                if (read.remaining() < 10) {
                    break;
                }
                len = read.getLong(start + 2);
                header = 10;
            }
            boolean masked = (b1 & 0x80) != 0;
            int total = header + (masked ? 4 : 0) + (int) len;
            if (len > 65536) {
                close(key);
                return;
            }
            if (read.remaining() < total) {
                break;
            }
            int opcode = b0 & 0x0f;
            if (opcode == 0x8) {
                close(key);
                return;
            }
            if (opcode == 0x9) {
                byte[] payload = new byte[(int) len];
                int p = start + header + (masked ? 4 : 0);
                for (int i = 0; i < len; i++) {
                    payload[i] = (byte) (read.get(p + i) ^ (masked ? read.get(start + header + (i & 3)) : 0));
                }
                send(c, key, ByteBuffer.wrap(frame(0xA, payload)));
            } else if (opcode == 0x1) {
                send(c, key, ByteBuffer.wrap(SUBSCRIBED));
            }
            read.position(start + total);
        }
        if (read.hasRemaining()) {
            c.in = ByteBuffer.allocate(Math.max(read.remaining(), 256)).put(read);
        }
    }

    private String control(String target) {
        Map<String, String> q = new HashMap<>();
        int qm = target.indexOf('?');
        if (qm >= 0) {
            for (String pair : target.substring(qm + 1).split("&")) {
                int eq = pair.indexOf('=');
                if (eq > 0) {
                    q.put(pair.substring(0, eq), pair.substring(eq + 1));
                }
            }
        }
        String path = qm >= 0 ? target.substring(0, qm) : target;
        if (path.equals("/ctl/pub")) {
            long t0 = System.nanoTime();
            String event = BenchJob.referenceEvent(
                    Long.parseLong(q.get("seq")),
                    q.get("kind"),
                    q.get("state"),
                    Long.parseLong(q.get("done")),
                    Long.parseLong(q.get("total")),
                    Instant.now());
            ByteBuffer frame = ByteBuffer.wrap(frame(0x1, event));
            int sent = 0;
            for (int i = 0; i < sockets.size(); i++) {
                Conn c = sockets.get(i);
                SelectionKey key = c.ch.keyFor(selector);
                try {
                    send(c, key, frame.duplicate());
                    sent++;
                } catch (IOException | RuntimeException e) {
                    close(key);
                }
            }
            return "{\"sent\":" + sent + ",\"loopMicros\":" + (System.nanoTime() - t0) / 1000 + "}";
        }
        for (int i = 0; i < 3; i++) {
            System.gc();
        }
        long heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
        return "{\"heapUsedBytes\":" + heap + ",\"webSocketConnections\":" + sockets.size() + "}";
    }

    private void send(Conn c, SelectionKey key, ByteBuffer data) throws IOException {
        if (c.out != null) {
            ByteBuffer grown = ByteBuffer.allocate(c.out.remaining() + data.remaining());
            grown.put(c.out).put(data).flip();
            c.out = grown;
            return;
        }
        c.ch.write(data);
        if (data.hasRemaining()) {
            c.out = ByteBuffer.allocate(data.remaining()).put(data).flip();
            key.interestOps(SelectionKey.OP_READ | SelectionKey.OP_WRITE);
        }
    }

    private void flush(Conn c, SelectionKey key) throws IOException {
        if (c.out != null) {
            c.ch.write(c.out);
            if (!c.out.hasRemaining()) {
                c.out = null;
                key.interestOps(SelectionKey.OP_READ);
            }
        }
    }

    private void close(SelectionKey key) {
        if (key == null) {
            return;
        }
        Object a = key.attachment();
        key.cancel();
        if (a instanceof Conn c) {
            if (c.ws) {
                c.ws = false;
                Conn last = sockets.remove(sockets.size() - 1);
                if (last != c) {
                    sockets.set(c.index, last);
                    last.index = c.index;
                }
            }
            try {
                c.ch.close();
            } catch (IOException ignored) {
                // closing anyway
            }
        }
    }

    private static String header(String head, String name) {
        for (String line : head.split("\r\n")) {
            int colon = line.indexOf(':');
            if (colon > 0 && line.substring(0, colon).trim().equalsIgnoreCase(name)) {
                return line.substring(colon + 1).trim();
            }
        }
        return null;
    }

    static byte[] frame(int opcode, String text) {
        return frame(opcode, text.getBytes(StandardCharsets.UTF_8));
    }

    static byte[] frame(int opcode, byte[] payload) {
        int header = payload.length < 126 ? 2 : payload.length < 65536 ? 4 : 10;
        byte[] f = new byte[header + payload.length];
        f[0] = (byte) (0x80 | opcode);
        if (header == 2) {
            f[1] = (byte) payload.length;
        } else if (header == 4) {
            f[1] = 126;
            f[2] = (byte) (payload.length >>> 8);
            f[3] = (byte) payload.length;
        } else {
            f[1] = 127;
            for (int i = 0; i < 8; i++) {
                f[2 + i] = (byte) ((long) payload.length >>> (56 - 8 * i));
            }
        }
        System.arraycopy(payload, 0, f, header, payload.length);
        return f;
    }

    private static byte[] sha1(byte[] in) {
        try {
            return MessageDigest.getInstance("SHA-1").digest(in);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
