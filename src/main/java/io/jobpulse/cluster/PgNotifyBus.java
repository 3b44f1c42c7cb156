package io.jobpulse.cluster;

import io.jobpulse.job.JobId;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;

/**
 * PostgreSQL LISTEN/NOTIFY on one connection of this node's own, outside the container's pool (a pool may be XA, or a
 * PgBouncer in transaction mode, where LISTEN silently does nothing), driven by one thread:
 *
 * <ul>
 *   <li>it sends what was queued (hints coalesced per job) with {@code pg_notify} in autocommit statements of their
 *       own, at once when the last batch went at least {@link #TICK} ago, else when that much time has passed: one
 *       batch per tick at most, so a busy node sends a few dozen notifications a second at most, and a quiet node's
 *       hint leaves within one {@link #WAIT}. Never inside the transaction that wrote the events (NOTIFY holds a
 *       cluster-wide lock through the commit, and cannot be PREPAREd under XA);
 *   <li>between sends it waits at most {@link #WAIT} for notifications (never {@code getNotifications(0)}, which can
 *       wait forever after a network drop);
 *   <li>every ping interval it notifies itself and expects to hear that within the next interval, else it
 *       reconnects: a LISTEN that hears nothing is found out;
 *   <li>after every (re)connect, once LISTEN is committed, the listener catches up every watched job from the store,
 *       since notifications sent meanwhile are lost;
 *   <li>a failure closes the connection and retries after a backoff with full jitter, from 250 ms up to 30 s.
 * </ul>
 */
final class PgNotifyBus implements ClusterBus, Runnable {

    static final String CHANNEL = "jobpulse_events";
    /** The shortest time between two batches of hints. */
    static final Duration TICK = Duration.ofMillis(50);
    /**
     * The longest wait for notifications before the thread looks at its queue again: how long a hint of a quiet node
     * can wait to be sent. The measured cross-node latency with a 50 ms wait was 90 ms above the local one at p50.
     */
    static final Duration WAIT = Duration.ofMillis(10);

    private static final long FIRST_BACKOFF_MS = 250;
    private static final long MAX_BACKOFF_MS = 30_000;
    private static final Logger LOG = Logger.getLogger(PgNotifyBus.class.getName());

    /** Opens a fresh, unpooled connection for listening. */
    @FunctionalInterface
    interface Connector {
        Connection open() throws SQLException;
    }

    private final String node;
    private final Connector connector;
    private final Duration pingInterval;
    private final ThreadFactory threads;

    private final Map<JobId, Long> hints = new ConcurrentHashMap<>();
    private final Set<JobId> cancels = ConcurrentHashMap.newKeySet();
    private final AtomicBoolean wake = new AtomicBoolean();
    private final CountDownLatch closed = new CountDownLatch(1);
    private final AtomicLong reconnects = new AtomicLong();
    private final AtomicLong pings = new AtomicLong();

    private volatile BusState state = BusState.CONNECTING;
    private volatile Listener listener;
    private volatile Thread thread;

    PgNotifyBus(String node, Connector connector, Duration pingInterval, ThreadFactory threads) {
        this.node = node;
        this.connector = connector;
        this.pingInterval = pingInterval;
        this.threads = threads;
    }

    @Override
    public void start(Listener heard) {
        this.listener = heard;
        Thread t = threads.newThread(this);
        thread = t;
        t.start();
    }

    @Override
    public void send(BusMessage message) {
        if (state != BusState.LISTENING && state != BusState.CONNECTING) {
            return; // would be lost anyway; the others' fast poll finds it
        }
        if (message instanceof BusMessage.Hints h) {
            h.upTo().forEach((job, seq) -> hints.merge(job, seq, Math::max));
        } else if (message instanceof BusMessage.Cancel c) {
            cancels.add(c.job());
        } else if (message instanceof BusMessage.Wake) {
            wake.set(true);
        } else {
            throw new IllegalArgumentException("the bus pings by itself");
        }
    }

    @Override
    public BusState state() {
        return state;
    }

    @Override
    public long reconnects() {
        return reconnects.get();
    }

    @Override
    public void close() {
        closed.countDown();
        Thread t = thread;
        if (t != null) {
            try {
                t.join(TimeUnit.SECONDS.toMillis(5));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    @Override
    public void run() {
        int failures = 0;
        while (!isClosed()) {
            try (Connection c = connector.open()) {
                listen(c);
                if (failures > 0) {
                    reconnects.incrementAndGet();
                    LOG.info(() ->
                            "JobPulse bus: listening again on channel " + CHANNEL + "; catching up every watched job");
                } else {
                    LOG.info(() -> "JobPulse bus: listening on channel " + CHANNEL + " as node " + node);
                }
                failures = 0;
                state = BusState.LISTENING;
                listener.connected();
                loop(c);
            } catch (SQLException | RuntimeException e) {
                if (isClosed()) {
                    break;
                }
                failures++;
                state = BusState.DOWN;
                hints.clear(); // lost: the others' fast poll and our catch-up after reconnect cover it
                long wait = ThreadLocalRandom.current()
                        .nextLong(Math.min(MAX_BACKOFF_MS, FIRST_BACKOFF_MS << Math.min(failures, 20)) + 1);
                int attempt = failures;
                LOG.log(
                        attempt == 1 ? Level.WARNING : Level.FINE,
                        e,
                        () -> "JobPulse bus: the listening connection failed (" + e.getMessage() + "); the backstop"
                                + " poll is fast until it is back; reconnecting in " + wait + " ms (attempt " + attempt
                                + ")");
                if (await(wait)) {
                    break;
                }
                state = BusState.CONNECTING;
            }
        }
        state = BusState.DOWN;
    }

    private static void listen(Connection c) throws SQLException {
        c.setAutoCommit(true);
        try (Statement s = c.createStatement()) {
            s.execute("LISTEN " + CHANNEL);
        }
    }

    private void loop(Connection c) throws SQLException {
        PGConnection pg = c.unwrap(PGConnection.class);
        try (PreparedStatement notify = c.prepareStatement("SELECT pg_notify(?, ?)")) {
            loop(pg, notify);
            sendQueued(notify); // what a stopping node still had to say (its jobs handed back)
        }
    }

    private void loop(PGConnection pg, PreparedStatement notify) throws SQLException {
        Optional<String> awaitedPing = Optional.empty();
        long pingSentAt = System.nanoTime();
        long nextPing = System.nanoTime();
        long lastBatch = System.nanoTime() - TICK.toNanos();
        {
            while (!isClosed()) {
                long now = System.nanoTime();
                if (now - lastBatch >= TICK.toNanos() && sendQueued(notify)) {
                    lastBatch = now;
                }
                if (awaitedPing.isPresent() && now - pingSentAt > pingInterval.toNanos()) {
                    throw new SQLException("no answer to this node's own notification within " + pingInterval
                            + " (is LISTEN going through a pooler in transaction mode?)");
                }
                if (awaitedPing.isEmpty() && now >= nextPing) {
                    String nonce = Long.toString(pings.incrementAndGet());
                    notify(notify, new BusMessage.Ping(node, nonce));
                    awaitedPing = Optional.of(nonce);
                    pingSentAt = now;
                    nextPing = now + pingInterval.toNanos();
                }
                PGNotification[] heard = pg.getNotifications((int) WAIT.toMillis());
                for (PGNotification n : heard == null ? new PGNotification[0] : heard) {
                    if (BusMessages.isEcho(n.getParameter(), node)) {
                        continue;
                    }
                    Optional<BusMessage> message = BusMessages.decode(n.getParameter());
                    if (message.isEmpty()) {
                        continue;
                    }
                    if (message.get().from().equals(node)) {
                        if (message.get() instanceof BusMessage.Ping ping
                                && awaitedPing.filter(ping.nonce()::equals).isPresent()) {
                            awaitedPing = Optional.empty();
                        }
                        continue;
                    }
                    dispatch(message.get());
                }
            }
        }
    }

    private void dispatch(BusMessage message) {
        try {
            listener.received(message);
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, e, () -> "JobPulse bus: handling a message from node " + message.from() + " failed");
        }
    }

    /** Sends the queued hints, cancels and wake; whether there was anything to send. */
    private boolean sendQueued(PreparedStatement notify) throws SQLException {
        List<BusMessage> out = new ArrayList<>();
        if (!hints.isEmpty()) {
            Map<JobId, Long> batch = new HashMap<>();
            for (JobId job : List.copyOf(hints.keySet())) {
                Long seq = hints.remove(job);
                if (seq != null) {
                    batch.put(job, seq);
                }
            }
            out.add(new BusMessage.Hints(node, batch));
        }
        for (JobId job : List.copyOf(cancels)) {
            cancels.remove(job);
            out.add(new BusMessage.Cancel(node, job));
        }
        if (wake.getAndSet(false)) {
            out.add(new BusMessage.Wake(node));
        }
        for (BusMessage message : out) {
            notify(notify, message);
        }
        return !out.isEmpty();
    }

    private static void notify(PreparedStatement notify, BusMessage message) throws SQLException {
        for (String payload : BusMessages.encode(message)) {
            notify.setString(1, CHANNEL);
            notify.setString(2, payload);
            notify.execute();
        }
    }

    private boolean isClosed() {
        return closed.getCount() == 0;
    }

    /** Waits {@code millis}; true if the bus was closed meanwhile. */
    private boolean await(long millis) {
        try {
            return closed.await(millis, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return true;
        }
    }
}
