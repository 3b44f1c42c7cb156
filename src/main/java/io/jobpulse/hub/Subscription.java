package io.jobpulse.hub;

import io.jobpulse.job.JobEvent;
import io.jobpulse.job.JobId;
import io.jobpulse.protocol.JobJson;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * One watcher of one job. Guarantees the watcher sees {@code seq} strictly increasing by one from its starting
 * point: live events that arrive before the starting point is known are held back, repeats are dropped, and a gap
 * (an event published out of order, or missed) is filled from the stored history before the newer event goes out.
 */
public final class Subscription {

    private final JobId job;
    private final Watcher watcher;
    private final EventHistory history;
    private final List<HeldEvent> held = new ArrayList<>();
    private long lastSeq = -1;
    private boolean ended;

    private record HeldEvent(JobEvent event, String text) {
    }

    public Subscription(JobId job, Watcher watcher, EventHistory history) {
        this.job = job;
        this.watcher = watcher;
        this.history = history;
    }

    public JobId job() {
        return job;
    }

    public Watcher watcher() {
        return watcher;
    }

    /**
     * Sends what the transport must send first ({@code opening}: subscribed, replay or snapshot), then everything
     * held back that is newer than {@code startSeq}. {@code startTerminal}: the starting point is already the end.
     */
    public synchronized void start(long startSeq, boolean startTerminal, Consumer<Watcher> opening) {
        opening.accept(watcher);
        lastSeq = startSeq;
        if (startTerminal) {
            end();
            return;
        }
        List<HeldEvent> pending = List.copyOf(held);
        held.clear();
        for (HeldEvent h : pending) {
            deliver(h.event(), h.text());
        }
    }

    /** Called by the hub for every committed event of the job. */
    public synchronized void offer(JobEvent event, String text) {
        if (ended) {
            return;
        }
        if (lastSeq < 0) {
            held.add(new HeldEvent(event, text));
            return;
        }
        deliver(event, text);
    }

    private void deliver(JobEvent event, String text) {
        if (ended || event.seq() <= lastSeq) {
            return;
        }
        if (event.seq() > lastSeq + 1) {
            for (JobEvent missing : history.between(job, lastSeq, event.seq() - 1)) {
                if (missing.seq() == lastSeq + 1) {
                    emit(missing, JobJson.eventText(missing));
                }
            }
        }
        if (event.seq() == lastSeq + 1) {
            emit(event, text);
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
        ended = true;
        held.clear();
        watcher.ended(this);
    }

    public synchronized boolean isEnded() {
        return ended;
    }

    public synchronized long lastSeq() {
        return lastSeq;
    }
}
