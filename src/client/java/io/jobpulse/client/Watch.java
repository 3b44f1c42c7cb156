package io.jobpulse.client;

import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * One job watched over the client's WebSocket ({@link JobPulseClient#watch}). Delivers to its {@link JobListener}
 * every event after the {@code seq} it started from, in order, each once, up to and including the terminal event,
 * across dropped connections (it resumes after the last {@code seq} it delivered). Closing it stops the delivery.
 */
public final class Watch implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger(Watch.class.getName());

    private final String jobId;
    private volatile String token; // renewed by the connection when the server stops accepting it
    private final JobListener listener;
    private final WatchConnection connection;
    private final CompletableFuture<JobEvent> ended = new CompletableFuture<>();
    // written under this watch's lock; read without it by the connection, which must never wait for a listener
    private volatile long lastSeq;
    private volatile boolean done;
    // guarded by the connection's lock: the server accepted the token since it was last renewed; a renewal is running
    boolean accepted;
    boolean renewing;

    Watch(String jobId, String token, long since, JobListener listener, WatchConnection connection) {
        if (since < 0) {
            throw new IllegalArgumentException("since must not be negative: " + since);
        }
        this.jobId = jobId;
        this.token = token;
        this.lastSeq = since;
        this.listener = listener;
        this.connection = connection;
    }

    public String jobId() {
        return jobId;
    }

    /** The {@code seq} of the last event delivered (or the {@code since} it started from). */
    public long lastSeq() {
        return lastSeq;
    }

    /**
     * Completes with the terminal event once it was delivered; exceptionally with a {@link JobPulseException} when the
     * watch failed (the job is unknown to the token, the server refused the client for good, the client was closed),
     * and cancelled by {@link #close()}. A copy: completing it changes nothing.
     */
    public CompletableFuture<JobEvent> ended() {
        return ended.copy();
    }

    /**
     * Waits for the terminal event.
     *
     * @throws JobPulseException the watch failed
     * @throws TimeoutException not within {@code timeout}
     * @throws InterruptedException interrupted while waiting
     */
    public JobEvent awaitEnd(Duration timeout) throws InterruptedException, TimeoutException {
        try {
            return ended.get(timeout.toNanos(), TimeUnit.NANOSECONDS);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof JobPulseException failure) {
                throw failure;
            }
            throw new JobPulseException("Watch failed", "the watch of " + jobId + " failed", e.getCause());
        }
    }

    /** Stops watching (the server is told to stop sending); {@link #ended()} is cancelled unless it completed. */
    @Override
    public void close() {
        synchronized (this) {
            if (done) {
                return;
            }
            done = true;
        }
        connection.remove(this, true);
        ended.cancel(false);
    }

    String token() {
        return token;
    }

    void token(String renewed) {
        token = renewed;
    }

    boolean isDone() {
        return done;
    }

    /**
     * A snapshot: the job as it is now, which replaces what was delivered (protocol.md); events up to its {@code seq}
     * are dropped after it. An ended job's ends the watch.
     */
    void snapshot(JobView job) {
        JobEvent terminal = null;
        synchronized (this) {
            if (done) {
                return;
            }
            lastSeq = job.seq();
            call(() -> listener.onSnapshot(job));
            if (job.state().isTerminal()) {
                terminal = ServerJson.terminalEventOf(job);
                JobEvent end = terminal;
                call(() -> listener.onEvent(end));
                done = true;
            }
        }
        if (terminal != null) {
            connection.remove(this, false);
            ended.complete(terminal);
        }
    }

    /** An event: delivered if it comes after the last one delivered (a replay after a reconnect may repeat some). */
    void event(JobEvent event) {
        synchronized (this) {
            if (done || event.seq() <= lastSeq) {
                return;
            }
            lastSeq = event.seq();
            call(() -> listener.onEvent(event));
            if (!event.isTerminal()) {
                return;
            }
            done = true;
        }
        // the server ended the subscription with its terminal event: nothing to unsubscribe
        connection.remove(this, false);
        ended.complete(event);
    }

    void reconnecting(int closeCode, String reason, Duration retryIn) {
        synchronized (this) {
            if (done) {
                return;
            }
            call(() -> listener.onReconnecting(closeCode, reason, retryIn));
        }
    }

    /** Ends the watch without its terminal event. */
    void fail(JobPulseException failure) {
        synchronized (this) {
            if (done) {
                return;
            }
            done = true;
            call(() -> listener.onFailure(failure));
        }
        connection.remove(this, false);
        ended.completeExceptionally(failure);
    }

    private void call(Runnable callback) {
        try {
            callback.run();
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "the listener of the watch of job " + jobId + " threw; the watch goes on", e);
        }
    }
}
