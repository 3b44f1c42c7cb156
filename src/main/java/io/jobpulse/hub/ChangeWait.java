package io.jobpulse.hub;

import io.jobpulse.job.JobEvent;
import io.jobpulse.job.JobId;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A long-poll request waiting for the next event of any of some jobs: runs {@code onChange} once, on the first
 * event after the given {@code seq}s, and then stops listening. Holds no thread while it waits.
 */
public final class ChangeWait implements Watcher {

    private final ProgressHub hub;
    private final Runnable onChange;
    private final List<Subscription> subscriptions = new ArrayList<>();
    private final AtomicBoolean fired = new AtomicBoolean();

    private ChangeWait(ProgressHub hub, Runnable onChange) {
        this.hub = hub;
        this.onChange = onChange;
    }

    public static ChangeWait register(
            ProgressHub hub, EventHistory history, Map<JobId, Long> after, Runnable onChange) {
        ChangeWait wait = new ChangeWait(hub, onChange);
        after.forEach((job, seq) -> {
            Subscription subscription = hub.subscribe(job, wait, history);
            synchronized (wait.subscriptions) {
                wait.subscriptions.add(subscription);
            }
            subscription.startAfter(seq);
        });
        return wait;
    }

    @Override
    public void send(JobEvent event, String text) {
        if (fired.compareAndSet(false, true)) {
            cancel();
            onChange.run();
        }
    }

    @Override
    public void ended(Subscription subscription) {
        // the hub already forgot it; the wait fired with the event before the end, or is cancelled with the request
    }

    /** Stops listening (idempotent); {@code onChange} will not run any more. */
    public void cancel() {
        fired.set(true);
        synchronized (subscriptions) {
            subscriptions.forEach(hub::remove);
            subscriptions.clear();
        }
    }
}
