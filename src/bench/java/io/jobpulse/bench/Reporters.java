package io.jobpulse.bench;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import java.util.Iterator;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The workers of the reports workload (issue 13): one per external job, each reporting its job's progress {@code rate}
 * times a second over REST with its report token, as a worker outside JobPulse would, over HTTP/1.1 keep-alive (one
 * persistent connection per job). A worker is sequential: it sends its next report only once the previous one was
 * answered; a report that falls due while the previous one is still out is not sent, and counted as {@code behind}
 * (the server did not keep up). The workers start spread evenly over one period.
 *
 * <p>The client is raw NIO on one selector thread, {@code reporters}, which also schedules the reports (no thread,
 * future or {@code HttpClient} per report): the JDK's {@code HttpClient} cost about 1.2 ms of CPU per report (measured
 * 2026-12-05: 7.5-9.7 of a 10 s window's 20 CPU-s at 600-850 reports a second), so at the 10 000 reports a second
 * offered the load client took the machine and the server under test was starved. Each request is written as ASCII
 * bytes from a per-job prefix (request line, {@code Host}, {@code Authorization}, {@code Content-Type}) plus the
 * numbered body; each answer is parsed as it arrives (status line, {@code Content-Length} or
 * {@code Transfer-Encoding: chunked}, {@code Connection: close}) and its body skipped, except the first failure's.
 *
 * <p>Connections: opened when a job's report falls due and it has none (10 s connect timeout), reused while the server
 * keeps them (Tomcat closes one after {@code maxKeepAliveRequests}
 * requests, with {@code Connection: close}: 100 by default, 10 000 in server-config). A report sent on a connection the
 * server then closes without answering it, or not answered in 30 s, counts as no answer; it is not sent again, the next
 * report due goes on a new connection.
 *
 * <p>Counted for the reports sent while {@link #measuring} is on: their answer time (send to the answer's last byte),
 * their statuses (2xx, 429, other 4xx, 5xx, no answer) and how many were answered per second.
 */
final class Reporters implements AutoCloseable {

    private static final long ANSWER_TIMEOUT_NANOS = TimeUnit.SECONDS.toNanos(30);
    private static final long CONNECT_TIMEOUT_NANOS = TimeUnit.SECONDS.toNanos(10);
    /** How long {@code close()} waits for the reports still out. */
    private static final long CLOSE_WAIT_NANOS = TimeUnit.SECONDS.toNanos(30);
    /** How often the timeouts are checked; also the longest select. */
    private static final long SWEEP_NANOS = TimeUnit.MILLISECONDS.toNanos(100);
    /** The first failure's body kept for {@code FirstFailure}, at most. */
    private static final int KEPT_BODY = 64 * 1024;
    /** A status, header, chunk-size or trailer line longer than this is a malformed answer. */
    private static final int MAX_LINE = 64 * 1024;
    /** The measured window is far shorter (seconds counted per second of it; later ones in the last). */
    private static final int MAX_SECONDS = 600;

    private static final byte[] BODY_ID = ascii("{\"id\":");
    private static final byte[] BODY_DONE = ascii(",\"progress\":{\"done\":");
    private static final byte[] BODY_MESSAGE = ascii(",\"total\":1000000,\"message\":\"row ");
    private static final byte[] BODY_END = ascii("\"}}");
    /** The body's length without its three numbers. */
    private static final int BODY_FIXED = BODY_ID.length + BODY_DONE.length + BODY_MESSAGE.length + BODY_END.length;

    private static final byte[] CRLF_CRLF = ascii("\r\n\r\n");
    private static final byte[] CONTENT_LENGTH = ascii("content-length:");
    private static final byte[] TRANSFER_ENCODING = ascii("transfer-encoding:");
    private static final byte[] CONNECTION = ascii("connection:");

    /** Where a worker's answer is: none expected, or which part of it the next byte belongs to. */
    private static final int IDLE = 0;

    private static final int STATUS_LINE = 1;
    private static final int HEADERS = 2;
    private static final int BODY = 3;
    private static final int BODY_UNTIL_CLOSE = 4;
    private static final int CHUNK_SIZE = 5;
    private static final int CHUNK_DATA = 6;
    private static final int CHUNK_END = 7;
    private static final int TRAILERS = 8;

    /**
     * One job's worker and its current connection (none before its first report and after the server closed it), with
     * the report out on it and the state of that report's answer. Touched only by the selector thread.
     */
    private static final class Worker {
        /** {@code POST ... HTTP/1.1} up to {@code Content-Length: }, the same for every report of this job. */
        final byte[] prefix;
        /** The request being written: what is left of it between position and limit. */
        final ByteBuffer out;

        long lastId;
        SocketChannel ch;
        SelectionKey key;
        boolean connected;
        long connectStartedAt;

        /** A report is out: sent (or waiting for its connection) and not answered yet. */
        boolean inFlight;
        /** That report was sent while measuring. */
        boolean counted;
        /** That report went on a connection opened for it (the first, or the one after the server closed one). */
        boolean fresh;

        long sentAt;
        int phase = IDLE;
        byte[] line = new byte[128];
        int lineLength;
        int status;
        long contentLength;
        boolean chunked;
        boolean closeAfter;
        long remaining;
        /** The answer's body, kept only when it may be the first failure. */
        ByteArrayOutputStream body;

        Worker(byte[] prefix) {
            this.prefix = prefix;
            this.out = ByteBuffer.allocate(prefix.length + 24 + BODY_FIXED + 3 * 20);
            out.limit(0);
        }

        /** Writes report {@code id} into {@link #out}: prefix, {@code Content-Length}, blank line, body. */
        void fill(long id) {
            out.clear();
            out.put(prefix);
            putLong(out, BODY_FIXED + 3L * digits(id));
            out.put(CRLF_CRLF);
            out.put(BODY_ID);
            putLong(out, id);
            out.put(BODY_DONE);
            putLong(out, id);
            out.put(BODY_MESSAGE);
            putLong(out, id);
            out.put(BODY_END);
            out.flip();
        }

        void appendLine(byte[] b, int from, int to) throws IOException {
            int n = to - from;
            if (lineLength + n > line.length) {
                if (lineLength + n > MAX_LINE) {
                    throw new IOException("answer line longer than " + MAX_LINE + " bytes");
                }
                line = Arrays.copyOf(line, Math.max(line.length * 2, lineLength + n));
            }
            System.arraycopy(b, from, line, lineLength, n);
            lineLength += n;
        }

        void keep(byte[] b, int from, int n) {
            if (body != null && body.size() < KEPT_BODY) {
                body.write(b, from, Math.min(n, KEPT_BODY - body.size()));
            }
        }
    }

    private final InetSocketAddress address;
    private final Worker[] workers;
    private final long periodNanos;
    private final Selector selector;
    private final ByteBuffer read = ByteBuffer.allocate(64 * 1024);
    /** Off: the loop sends no more reports, waits for those out (up to 30 s) and ends. */
    private volatile boolean running;

    private final Staleness answerMs = new Staleness();
    /** The same answers split by connection: a report on one opened for it, and one on a kept-alive connection. */
    private final Staleness freshAnswerMs = new Staleness();

    private final Staleness keptAnswerMs = new Staleness();
    private final AtomicLong sent = new AtomicLong();
    private final AtomicLong ok = new AtomicLong();
    private final AtomicLong tooMany = new AtomicLong();
    private final AtomicLong otherClientErrors = new AtomicLong();
    private final AtomicLong serverErrors = new AtomicLong();
    private final AtomicLong noAnswer = new AtomicLong();
    private final AtomicLong behind = new AtomicLong();
    private volatile String firstFailure;
    private volatile boolean measuring;
    private volatile long measuredSince;
    private volatile long measuredUntil;
    /** The wall-clock time measuring began (to match a second below with a server-side recording). */
    private volatile Instant measuredFrom;
    /** The slowest answer to a report sent in each second of the measured window (selector thread, then read). */
    private final long[] maxBySecond = new long[MAX_SECONDS];
    /**
     * The load client's own lag in each second of the measured window: how late the selector loop sent the most overdue
     * report due in that second (selector thread, then read). A second whose slowest answer is about its lag measured
     * the client's stall (its thread waiting for a CPU, or busy), not the server's.
     */
    private final long[] lagBySecond = new long[MAX_SECONDS];
    /** Reports out now (selector thread only). */
    private int reportsOut;

    private Thread loop;

    /** {@code ids[j]} and {@code tokens[j]}: job j and its report token, on the server at {@code port}. */
    Reporters(int port, String[] ids, String[] tokens, int ratePerJob) {
        this.address = new InetSocketAddress("127.0.0.1", port);
        this.workers = new Worker[ids.length];
        for (int j = 0; j < ids.length; j++) {
            workers[j] = new Worker(ascii("POST /jobpulse/api/jobs/" + ids[j] + "/reports HTTP/1.1\r\nHost: 127.0.0.1:"
                    + port + "\r\nAuthorization: Bearer " + tokens[j]
                    + "\r\nContent-Type: application/json\r\nContent-Length: "));
        }
        this.periodNanos = 1_000_000_000L / ratePerJob;
        try {
            this.selector = Selector.open();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Starts every worker, spread over one period. */
    void start() {
        running = true;
        loop = new Thread(this::loop, "reporters");
        loop.setDaemon(true);
        loop.start();
    }

    /** Counts the reports sent from now on. */
    void startMeasuring() {
        measuredFrom = Instant.now();
        measuredSince = System.nanoTime();
        measuring = true;
    }

    /** Stops counting new reports (those already out are still counted when answered). */
    void stopMeasuring() {
        measuring = false;
        measuredUntil = System.nanoTime();
    }

    // ---------------------------------------------------------------------------------------------------- selector

    /**
     * The selector loop: sends the reports that fell due (job j's k-th at t0 + k period + j period / jobs, so the jobs
     * take turns in a fixed order and no queue is needed), selects until the next one falls due (1 ms resolution) and
     * handles the connections; every 100 ms, the timeouts. Once {@link #running} is off, it waits for the reports still
     * out (at most 30 s), then closes every connection and the selector.
     */
    private void loop() {
        int jobs = workers.length;
        long t0 = System.nanoTime();
        long round = 0;
        int next = 0;
        long nextSweep = t0 + SWEEP_NANOS;
        long stopDeadline = 0;
        boolean stopping = false;
        try {
            while (true) {
                long now = System.nanoTime();
                long wait = SWEEP_NANOS;
                if (running && jobs > 0) {
                    long due;
                    while ((due = t0 + round * periodNanos + periodNanos * next / jobs) - now <= 0) {
                        lag(due, now);
                        fire(workers[next]);
                        if (++next == jobs) {
                            next = 0;
                            round++;
                        }
                    }
                    now = System.nanoTime();
                    wait = Math.min(wait, due - now);
                } else {
                    if (!stopping) {
                        stopping = true;
                        stopDeadline = now + CLOSE_WAIT_NANOS;
                    }
                    if (reportsOut == 0 || now - stopDeadline >= 0) {
                        break;
                    }
                }
                if (now - nextSweep >= 0) {
                    sweep(now);
                    nextSweep = now + SWEEP_NANOS;
                }
                wait = Math.min(wait, nextSweep - now);
                if (wait <= 0) {
                    selector.selectNow();
                } else {
                    selector.select(Math.max(1, (wait + 999_999) / 1_000_000));
                }
                Iterator<SelectionKey> keys = selector.selectedKeys().iterator();
                while (keys.hasNext()) {
                    SelectionKey key = keys.next();
                    keys.remove();
                    handle(key);
                }
            }
        } catch (IOException | RuntimeException e) {
            if (firstFailure == null) {
                firstFailure = "reporters selector: " + e;
            }
        } finally {
            for (Worker w : workers) {
                fail(w, "no answer before close");
            }
            try {
                selector.close();
            } catch (IOException ignored) {
                // leaving anyway
            }
        }
    }

    /** Counts how late the loop is at {@code now} for the report due at {@code due}, if measuring. */
    private void lag(long due, long now) {
        if (measuring) {
            int second = (int) Math.min(MAX_SECONDS - 1, Math.max(0, (due - measuredSince) / 1_000_000_000L));
            long ms = (now - due) / 1_000_000;
            synchronized (answerMs) {
                lagBySecond[second] = Math.max(lagBySecond[second], ms);
            }
        }
    }

    /** Job w's report falls due: sent now, unless the previous one is still out ({@code behind}). */
    private void fire(Worker w) {
        if (w.inFlight) {
            if (measuring) {
                behind.incrementAndGet();
            }
            return;
        }
        w.counted = measuring;
        if (w.counted) {
            sent.incrementAndGet();
        }
        w.inFlight = true;
        reportsOut++;
        w.sentAt = System.nanoTime();
        w.phase = STATUS_LINE;
        w.lineLength = 0;
        w.fill(++w.lastId);
        w.fresh = w.ch == null;
        try {
            if (w.fresh) {
                connect(w);
            } else {
                flush(w);
            }
        } catch (IOException | RuntimeException e) {
            fail(w, e.toString());
        }
    }

    private void connect(Worker w) throws IOException {
        SocketChannel ch = SocketChannel.open();
        w.ch = ch;
        w.connected = false;
        w.connectStartedAt = System.nanoTime();
        ch.configureBlocking(false);
        ch.setOption(StandardSocketOptions.TCP_NODELAY, true);
        if (ch.connect(address)) {
            w.connected = true;
            w.key = ch.register(selector, SelectionKey.OP_READ, w);
            flush(w);
        } else {
            w.key = ch.register(selector, SelectionKey.OP_CONNECT, w);
        }
    }

    /** Writes what the socket takes of the request; the rest when it is writable again (OP_WRITE). */
    private void flush(Worker w) throws IOException {
        if (w.out.hasRemaining()) {
            w.ch.write(w.out);
        }
        w.key.interestOps(w.out.hasRemaining() ? SelectionKey.OP_READ | SelectionKey.OP_WRITE : SelectionKey.OP_READ);
    }

    private void handle(SelectionKey key) {
        Worker w = (Worker) key.attachment();
        if (w.key != key || !key.isValid()) {
            return; // a connection closed meanwhile
        }
        try {
            int ready = key.readyOps();
            if ((ready & SelectionKey.OP_CONNECT) != 0) {
                if (!w.ch.finishConnect()) {
                    return;
                }
                w.connected = true;
                flush(w);
                return;
            }
            if ((ready & SelectionKey.OP_WRITE) != 0) {
                flush(w);
            }
            if ((ready & SelectionKey.OP_READ) != 0 && w.key == key) {
                read.clear();
                int got = w.ch.read(read);
                if (got < 0) {
                    closedByServer(w);
                } else {
                    parse(w, read.array(), 0, got);
                }
            }
        } catch (IOException | RuntimeException e) {
            fail(w, e.toString());
        }
    }

    /** The timeouts: a connect not done in 10 s, an answer not complete 30 s after its report was sent. */
    private void sweep(long now) {
        for (Worker w : workers) {
            if (!w.inFlight) {
                continue;
            }
            if (w.ch != null && !w.connected && now - w.connectStartedAt >= CONNECT_TIMEOUT_NANOS) {
                fail(w, "connect timed out (10 s)");
            } else if (now - w.sentAt >= ANSWER_TIMEOUT_NANOS) {
                fail(w, "no answer in 30 s");
            }
        }
    }

    /** The server closed w's connection: the end of an answer whose body runs to the close, or a report lost. */
    private void closedByServer(Worker w) {
        if (w.phase == BODY_UNTIL_CLOSE) {
            w.closeAfter = true;
            complete(w);
        } else if (w.inFlight) {
            fail(w, "connection closed by the server before the answer");
        } else {
            closeChannel(w); // an idle keep-alive connection: the next report opens a new one
        }
    }

    /** The report out on w, if any, gets no answer (counted if it was sent while measuring); the connection goes. */
    private void fail(Worker w, String reason) {
        if (w.inFlight) {
            w.inFlight = false;
            reportsOut--;
            if (w.counted) {
                noAnswer.incrementAndGet();
                if (firstFailure == null) {
                    firstFailure = reason;
                }
            }
        }
        closeChannel(w);
    }

    private void closeChannel(Worker w) {
        w.phase = IDLE;
        w.body = null;
        w.out.position(w.out.limit());
        w.connected = false;
        if (w.key != null) {
            w.key.cancel();
            w.key = null;
        }
        if (w.ch != null) {
            try {
                w.ch.close();
            } catch (IOException ignored) {
                // gone anyway
            }
            w.ch = null;
        }
    }

    // ---------------------------------------------------------------------------------------------------- answers

    /** Feeds the bytes {@code b[from, to)} read from w's connection to its answer, as far as they go. */
    private void parse(Worker w, byte[] b, int from, int to) throws IOException {
        int i = from;
        while (i < to && w.phase != IDLE) {
            switch (w.phase) {
                case BODY, CHUNK_DATA -> {
                    int n = (int) Math.min(w.remaining, to - i);
                    w.keep(b, i, n);
                    i += n;
                    w.remaining -= n;
                    if (w.remaining == 0) {
                        if (w.phase == BODY) {
                            complete(w);
                        } else {
                            w.phase = CHUNK_END;
                        }
                    }
                }
                case BODY_UNTIL_CLOSE -> {
                    w.keep(b, i, to - i);
                    i = to;
                }
                default -> {
                    int nl = i;
                    while (nl < to && b[nl] != '\n') {
                        nl++;
                    }
                    w.appendLine(b, i, nl);
                    if (nl == to) {
                        return; // the rest of the line comes with the next read
                    }
                    i = nl + 1;
                    if (w.lineLength > 0 && w.line[w.lineLength - 1] == '\r') {
                        w.lineLength--;
                    }
                    line(w);
                    w.lineLength = 0;
                }
            }
        }
        // bytes after the answer (none expected; no report is pipelined) are dropped
    }

    /** A complete line of w's answer (without its CRLF): status line, header, chunk size or trailer. */
    private void line(Worker w) throws IOException {
        byte[] l = w.line;
        int n = w.lineLength;
        switch (w.phase) {
            case STATUS_LINE -> {
                if (n == 0) {
                    return; // tolerated before a status line
                }
                if (n < 12 || !startsWith(l, n, "HTTP/1.") || l[8] != ' ') {
                    throw new IOException("not an HTTP/1.x status line: " + text(l, 0, Math.min(n, 80)));
                }
                int status = 0;
                for (int k = 9; k < 12; k++) {
                    if (l[k] < '0' || l[k] > '9') {
                        throw new IOException("bad status line: " + text(l, 0, Math.min(n, 80)));
                    }
                    status = status * 10 + (l[k] - '0');
                }
                w.status = status;
                w.contentLength = -1;
                w.chunked = false;
                w.closeAfter = l[7] == '0'; // HTTP/1.0: closes unless it says keep-alive
                w.phase = HEADERS;
            }
            case HEADERS -> {
                if (n == 0) {
                    endOfHeaders(w);
                } else if (startsWith(l, n, CONTENT_LENGTH)) {
                    w.contentLength = parseLong(l, CONTENT_LENGTH.length, n, 10);
                } else if (startsWith(l, n, TRANSFER_ENCODING)) {
                    w.chunked = value(l, TRANSFER_ENCODING.length, n).contains("chunked");
                } else if (startsWith(l, n, CONNECTION)) {
                    String v = value(l, CONNECTION.length, n);
                    if (v.contains("close")) {
                        w.closeAfter = true;
                    } else if (v.contains("keep-alive")) {
                        w.closeAfter = false;
                    }
                }
            }
            case CHUNK_SIZE -> {
                int end = 0;
                while (end < n && l[end] != ';') {
                    end++;
                }
                long size = parseLong(l, 0, end, 16);
                if (size == 0) {
                    w.phase = TRAILERS;
                } else {
                    w.remaining = size;
                    w.phase = CHUNK_DATA;
                }
            }
            case CHUNK_END -> w.phase = CHUNK_SIZE; // the CRLF after a chunk's data
            case TRAILERS -> {
                if (n == 0) {
                    complete(w);
                }
            }
            default -> throw new IllegalStateException("phase " + w.phase);
        }
    }

    private void endOfHeaders(Worker w) {
        int status = w.status;
        if (status < 200) {
            w.phase = STATUS_LINE; // an interim answer (100 Continue): the real one follows
            return;
        }
        boolean failure = status >= 300 && status != 429;
        w.body = w.counted && failure && firstFailure == null ? new ByteArrayOutputStream() : null;
        if (status == 204 || status == 304) {
            complete(w);
        } else if (w.chunked) {
            w.phase = CHUNK_SIZE;
        } else if (w.contentLength >= 0) {
            w.remaining = w.contentLength;
            w.phase = BODY;
            if (w.remaining == 0) {
                complete(w);
            }
        } else {
            w.phase = BODY_UNTIL_CLOSE;
        }
    }

    /** W's answer is complete: counted (if its report was sent while measuring), and its connection kept or closed. */
    private void complete(Worker w) {
        long ms = (System.nanoTime() - w.sentAt) / 1_000_000;
        w.inFlight = false;
        reportsOut--;
        if (w.counted) {
            synchronized (answerMs) {
                answerMs.add(ms);
                (w.fresh ? freshAnswerMs : keptAnswerMs).add(ms);
                int second = (int) Math.min(MAX_SECONDS - 1, Math.max(0, (w.sentAt - measuredSince) / 1_000_000_000L));
                maxBySecond[second] = Math.max(maxBySecond[second], ms);
            }
            int status = w.status;
            if (status < 300) {
                ok.incrementAndGet();
            } else if (status == 429) {
                tooMany.incrementAndGet();
            } else {
                (status < 500 ? otherClientErrors : serverErrors).incrementAndGet();
                if (firstFailure == null) {
                    firstFailure = status + " "
                            + (w.body == null ? "" : new String(w.body.toByteArray(), StandardCharsets.UTF_8));
                }
            }
        }
        w.phase = IDLE;
        w.body = null;
        // answered before the whole request was written: what is left of it would be read as the next request
        if (w.closeAfter || w.out.hasRemaining()) {
            closeChannel(w);
        } else if (w.key != null) {
            w.key.interestOps(SelectionKey.OP_READ);
        }
    }

    // ---------------------------------------------------------------------------------------------------- figures

    /** {@code <prefix>Sent}, {@code <prefix>AnsweredPerSecond}, statuses, {@code <prefix>Answer*Ms}, ... */
    void into(Map<String, Object> r, String prefix) {
        double seconds = (measuredUntil - measuredSince) / 1e9;
        long answered = ok.get() + tooMany.get() + otherClientErrors.get() + serverErrors.get();
        r.put(prefix + "Sent", sent.get());
        r.put(prefix + "Ok", ok.get());
        r.put(prefix + "OkPerSecond", seconds <= 0 ? null : ok.get() / seconds);
        r.put(prefix + "AnsweredPerSecond", seconds <= 0 ? null : answered / seconds);
        r.put(prefix + "OfferedPerSecond", (double) workers.length * 1_000_000_000L / periodNanos);
        r.put(prefix + "429", tooMany.get());
        r.put(prefix + "Other4xx", otherClientErrors.get());
        r.put(prefix + "5xx", serverErrors.get());
        r.put(prefix + "NoAnswer", noAnswer.get());
        r.put(prefix + "Behind", behind.get());
        if (firstFailure != null) {
            r.put(prefix + "FirstFailure", firstFailure);
        }
        synchronized (answerMs) {
            answerMs.into(r, prefix + "Answer");
            freshAnswerMs.into(r, prefix + "FreshConnectionAnswer");
            keptAnswerMs.into(r, prefix + "KeptConnectionAnswer");
            int windowSeconds = (int) Math.min(MAX_SECONDS, Math.ceil(seconds));
            r.put(
                    prefix + "AnswerMaxMsBySecond",
                    Arrays.stream(maxBySecond, 0, Math.max(0, windowSeconds))
                            .boxed()
                            .toList());
            r.put(
                    prefix + "SendLagMaxMs",
                    Arrays.stream(lagBySecond, 0, Math.max(0, windowSeconds))
                            .max()
                            .orElse(0));
            r.put(
                    prefix + "SendLagMaxMsBySecond",
                    Arrays.stream(lagBySecond, 0, Math.max(0, windowSeconds))
                            .boxed()
                            .toList());
            r.put(prefix + "MeasuredFrom", String.valueOf(measuredFrom));
        }
    }

    /**
     * Stops the workers; waits up to 30 s for the reports still out to be answered (those that are not count as no
     * answer), then closes the connections and the selector.
     */
    @Override
    public void close() throws InterruptedException {
        running = false;
        if (loop == null) {
            try {
                selector.close();
            } catch (IOException ignored) {
                // never started
            }
            return;
        }
        selector.wakeup();
        loop.join(TimeUnit.NANOSECONDS.toMillis(CLOSE_WAIT_NANOS) + 5_000);
        if (loop.isAlive()) {
            try {
                selector.close(); // the loop's next select throws, and it ends
            } catch (IOException ignored) {
                // leaving anyway
            }
            loop.join(5_000);
        }
    }

    // ---------------------------------------------------------------------------------------------------- bytes

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    private static int digits(long v) {
        int d = 1;
        while (v >= 10) {
            v /= 10;
            d++;
        }
        return d;
    }

    /** {@code v} (not negative) in decimal ASCII. */
    private static void putLong(ByteBuffer out, long v) {
        int d = digits(v);
        int at = out.position();
        for (int k = d - 1; k >= 0; k--) {
            out.put(at + k, (byte) ('0' + v % 10));
            v /= 10;
        }
        out.position(at + d);
    }

    /** Whether {@code l[0, n)} starts with {@code lower}, ASCII letters case-insensitively. */
    private static boolean startsWith(byte[] l, int n, byte[] lower) {
        if (n < lower.length) {
            return false;
        }
        for (int k = 0; k < lower.length; k++) {
            int c = l[k];
            if (c >= 'A' && c <= 'Z') {
                c += 'a' - 'A';
            }
            if (c != lower[k]) {
                return false;
            }
        }
        return true;
    }

    private static boolean startsWith(byte[] l, int n, String s) {
        if (n < s.length()) {
            return false;
        }
        for (int k = 0; k < s.length(); k++) {
            if (l[k] != s.charAt(k)) {
                return false;
            }
        }
        return true;
    }

    /** The number in {@code l[from, to)} (spaces and tabs around it allowed) in {@code radix}. */
    private static long parseLong(byte[] l, int from, int to, int radix) throws IOException {
        String s = text(l, from, to).trim();
        try {
            long v = Long.parseLong(s, radix);
            if (v < 0) {
                throw new NumberFormatException("negative");
            }
            return v;
        } catch (NumberFormatException e) {
            throw new IOException("bad number in answer: " + s);
        }
    }

    /** A header's value, trimmed and lower case. */
    private static String value(byte[] l, int from, int to) {
        return text(l, from, to).trim().toLowerCase(Locale.ROOT);
    }

    private static String text(byte[] l, int from, int to) {
        return new String(l, from, to - from, StandardCharsets.ISO_8859_1);
    }
}
