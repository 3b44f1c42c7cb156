package io.jobpulse.hub;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The subscriptions of one job on this node. Adding and removing are O(1), so a storm of thousands of watchers
 * (re)subscribing to one job stays linear; a publish reads them as an array, rebuilt only after a change.
 */
final class JobWatchers {

    private static final Subscription[] NONE = new Subscription[0];

    private record Snapshot(long version, Subscription[] array) {}

    private final Set<Subscription> subscriptions = ConcurrentHashMap.newKeySet();
    /** Counted up after every change, so a snapshot taken before it is never used after it. */
    private final AtomicLong version = new AtomicLong();

    private volatile Snapshot snapshot = new Snapshot(0, NONE);

    void add(Subscription subscription) {
        subscriptions.add(subscription);
        version.incrementAndGet();
    }

    void remove(Subscription subscription) {
        subscriptions.remove(subscription);
        version.incrementAndGet();
    }

    boolean isEmpty() {
        return subscriptions.isEmpty();
    }

    int size() {
        return subscriptions.size();
    }

    /** Every subscription added before this call and not removed since (and possibly some removed just now). */
    Subscription[] array() {
        long current = version.get();
        Snapshot s = snapshot;
        if (s.version() == current) {
            return s.array();
        }
        Subscription[] array = subscriptions.toArray(NONE);
        snapshot = new Snapshot(current, array);
        return array;
    }
}
