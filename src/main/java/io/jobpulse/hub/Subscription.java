package io.jobpulse.hub;

import io.jobpulse.job.JobEvent;
import io.jobpulse.job.JobId;
import io.jobpulse.protocol.JobJson;
import io.jobpulse.protocol.ServerMessage;
import io.jobpulse.protocol.ServerMessageEncoder;
import io.jobpulse.protocol.SkippedRange;
import java.util.ArrayDeque;
import java.util.Queue;
import java.util.function.Consumer;

/**
 * One watcher of one job. Guarantees the watcher sees {@code seq} strictly increasing by one from its starting
 * point: live events that arrive before the starting point is known are held back, repeats are dropped, and a gap
 * (an event published out of order, missed, or stored by another node) is filled from the stored history before the
 * newer event goes out; what the history no longer holds (progress events of an ended job, compacted) is announced
 * with {@code skipped}.
 *
 * <p>No lock is held while the watcher or the history is called: offered events wait in an inbox, and one thread at a
 * time (whichever offered first) delivers them in order, so a transport may take its own locks freely and a slow
 * history read never blocks the publishers of other jobs.
 */
public final class Subscription {

    private final JobId job;
    private final Watcher watcher;
    private final EventHistory history;
    private final Consumer<Subscription> onEnd;
    private final Object lock = new Object();
    /** Offered and not yet delivered, in arrival order; guarded by {@link #lock}. */
    private final Queue<Offered> inbox = new ArrayDeque<>();
    /** A thread is delivering (or the opening is still being sent); guarded by {@link #lock}. */
    private boolean delivering = true;
    /** Written by the delivering thread only. */
    private volatile long lastSeq = -1;

    private volatile boolean ended;

    private record Offered(JobEvent event, String text) {}

    /** {@code onEnd} runs once when the subscription ends (the hub forgets it there). */
    public Subscription(JobId job, Watcher watcher, EventHistory history, Consumer<Subscription> onEnd) {
        this.job = job;
        this.watcher = watcher;
        this.history = history;
        this.onEnd = onEnd;
    }

    public JobId job() {
        return job;
    }

    public Watcher watcher() {
        return watcher;
    }

    /**
     * Sends what the transport must send first ({@code opening}: subscribed, replay or snapshot), then everything
     * offered meanwhile that is newer than {@code startSeq}. {@code startTerminal}: the starting point is already the
     * end. Until this is called nothing offered reaches the watcher.
     */
    public void start(Opening from, Consumer<Watcher> opening) {
        start(from.startSeq(), from.startsTerminal(), opening);
    }

    /** {@link #start(Opening, Consumer)} from a known {@code seq}: nothing is sent first. */
    public void startAfter(long seq) {
        start(seq, false, w -> {});
    }

    void start(long startSeq, boolean startTerminal, Consumer<Watcher> opening) {
        opening.accept(watcher);
        lastSeq = startSeq;
        if (startTerminal) {
            end();
        }
        deliverFrom(null, null);
    }

    /** Called by the hub for every committed event of the job; delivers it now or leaves it to the delivering thread. */
    public void offer(JobEvent event, String text) {
        synchronized (lock) {
            if (ended) {
                return;
            }
            if (delivering) {
                inbox.add(new Offered(event, text));
                return;
            }
            delivering = true;
        }
        deliverFrom(event, text);
    }

    /** On the one delivering thread: delivers {@code first} (if any), then the inbox until it is empty. */
    private void deliverFrom(JobEvent first, String firstText) {
        JobEvent event = first;
        String text = firstText;
        while (true) {
            if (event != null) {
                try {
                    deliver(event, text);
                } catch (RuntimeException e) {
                    synchronized (lock) {
                        delivering = false; // the next offer delivers what is left
                    }
                    throw e;
                }
            }
            synchronized (lock) {
                Offered next = inbox.poll();
                if (next == null || ended) {
                    inbox.clear();
                    delivering = false;
                    return;
                }
                event = next.event();
                text = next.text();
            }
        }
    }

    private void deliver(JobEvent event, String text) {
        if (ended || event.seq() <= lastSeq) {
            return;
        }
        if (event.seq() > lastSeq + 1) {
            long before = lastSeq;
            for (JobEvent missing : history.between(job, lastSeq, event.seq() - 1)) {
                if (!ended && missing.seq() > lastSeq) {
                    emitAfterGap(missing, JobJson.eventText(missing));
                }
            }
            if (!ended && event.seq() > lastSeq + 1 && event.seq() - 1 - before <= EventHistory.MAX_READ) {
                emitAfterGap(event, text); // the history holds nothing more before it: compacted away
            }
        }
        if (!ended && event.seq() == lastSeq + 1) {
            emit(event, text);
        }
    }

    /**
     * Emits an event the watcher is behind of. Events missing from the store before it were compacted away (only
     * progress events of an ended job are: {@code jobpulse.retention.compact-after}), and are announced as skipped, the
     * way a coalesced progress event announces them, so a gap is never silent.
     */
    private void emitAfterGap(JobEvent event, String text) {
        if (event.seq() == lastSeq + 1) {
            emit(event, text);
        } else {
            SkippedRange skipped = new SkippedRange(lastSeq + 1, event.seq() - 1);
            emit(event, ServerMessageEncoder.text(new ServerMessage.Event(text).skipping(skipped)));
        }
    }

    private void emit(JobEvent event, String text) {
        watcher.send(event, text);
        lastSeq = event.seq();
        if (event.isTerminal()) {
            end();
        }
    }

    private void end() {
        synchronized (lock) {
            ended = true;
        }
        onEnd.accept(this);
        watcher.ended(this);
    }

    public boolean isEnded() {
        return ended;
    }

    /** The {@code seq} delivered last; -1 until started. */
    public long lastSeq() {
        return lastSeq;
    }
}
