package io.jobpulse.metrics;

import jakarta.enterprise.context.ApplicationScoped;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;

/** The node's counters since it started. Thread-safe and cheap enough to bump on every hot path. */
@ApplicationScoped
public class NodeMetrics {

    private final Map<Counter, LongAdder> counters = new EnumMap<>(Counter.class);

    public NodeMetrics() {
        for (Counter c : Counter.values()) {
            counters.put(c, new LongAdder());
        }
    }

    public void increment(Counter counter) {
        counters.get(counter).increment();
    }

    public void add(Counter counter, long n) {
        counters.get(counter).add(n);
    }

    public long get(Counter counter) {
        return counters.get(counter).sum();
    }
}
