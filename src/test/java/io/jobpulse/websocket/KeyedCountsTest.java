package io.jobpulse.websocket;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class KeyedCountsTest {

    @Test
    void eachKeyUpToItsLimit() {
        KeyedCounts counts = new KeyedCounts(2);
        assertThat(counts.tryAcquire("a")).isTrue();
        assertThat(counts.tryAcquire("a")).isTrue();
        assertThat(counts.count("a")).isEqualTo(2);
        assertThat(counts.tryAcquire("a")).isFalse();
        assertThat(counts.tryAcquire("b")).isTrue();

        counts.release("a");
        assertThat(counts.count("a")).isEqualTo(1);
        assertThat(counts.tryAcquire("a")).isTrue();
    }

    @Test
    void releasingTheLastForgetsTheKey() {
        KeyedCounts counts = new KeyedCounts(5);
        counts.tryAcquire("a");
        counts.release("a");
        counts.release("a");
        assertThat(counts.count("a")).isZero();
    }

    @Test
    void concurrentAcquiresNeverPassTheLimit() throws InterruptedException {
        KeyedCounts counts = new KeyedCounts(100);
        AtomicInteger granted = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(4);
        for (int i = 0; i < 1000; i++) {
            pool.execute(() -> {
                if (counts.tryAcquire("k")) {
                    granted.incrementAndGet();
                }
            });
        }
        pool.shutdown();
        assertThat(pool.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
        assertThat(granted.get()).isEqualTo(100);
        assertThat(counts.count("k")).isEqualTo(100);
    }
}
