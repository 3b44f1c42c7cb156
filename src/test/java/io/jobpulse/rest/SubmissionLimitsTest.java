package io.jobpulse.rest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

import io.jobpulse.http.ApiProblem;
import io.jobpulse.metrics.Counter;
import io.jobpulse.metrics.NodeMetrics;
import io.jobpulse.store.JdbcJobStore;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class SubmissionLimitsTest {

    private final AtomicLong now = new AtomicLong();
    private final FakeStore store = new FakeStore();
    private final NodeMetrics metrics = new NodeMetrics();
    private final SubmissionLimits limits = new SubmissionLimits(3, 5, store, metrics, now::get);

    @Test
    void eachClientHasItsOwnRate() {
        for (int i = 0; i < 3; i++) {
            limits.admit("alice", Optional.empty());
        }
        assertThatExceptionOfType(ApiProblem.class)
                .isThrownBy(() -> limits.admit("alice", Optional.empty()))
                .satisfies(p -> {
                    assertThat(p.status()).isEqualTo(429);
                    assertThat(p.type()).isEqualTo(SubmissionLimits.RATE_TYPE);
                    assertThat(p.title()).isEqualTo("Too Many Submissions");
                    assertThat(p.getMessage()).contains("3 submissions per minute");
                    assertThat(p.retryAfter()).contains(Duration.ofSeconds(20));
                });
        assertThatCode(() -> limits.admit("bob", Optional.empty())).doesNotThrowAnyException();
        assertThat(metrics.get(Counter.REST_SUBMISSIONS_REFUSED)).isEqualTo(1);
    }

    @Test
    void theRateRecoversWithTime() {
        for (int i = 0; i < 3; i++) {
            limits.admit("alice", Optional.empty());
        }
        now.addAndGet(Duration.ofSeconds(20).toNanos());
        assertThatCode(() -> limits.admit("alice", Optional.empty())).doesNotThrowAnyException();
    }

    @Test
    void aRepeatOfAKnownIdempotencyKeyPassesTheRateLimit() {
        store.keys.add("alice/order-1");
        for (int i = 0; i < 3; i++) {
            limits.admit("alice", Optional.of("order-" + i));
        }
        assertThatCode(() -> limits.admit("alice", Optional.of("order-1"))).doesNotThrowAnyException();
        assertThatExceptionOfType(ApiProblem.class).isThrownBy(() -> limits.admit("alice", Optional.of("order-9")));
        assertThatExceptionOfType(ApiProblem.class).as("keys are per client").isThrownBy(() -> {
            for (int i = 0; i < 4; i++) {
                limits.admit("bob", Optional.of("order-1"));
            }
        });
    }

    @Test
    void aFullQueueIsRefusedWithItsOwnType() {
        store.queued.put("alice", 5);
        assertThatExceptionOfType(ApiProblem.class)
                .isThrownBy(() -> limits.admit("alice", Optional.empty()))
                .satisfies(p -> {
                    assertThat(p.status()).isEqualTo(429);
                    assertThat(p.type()).isEqualTo(SubmissionLimits.QUEUE_TYPE);
                    assertThat(p.title()).isEqualTo("Too Many Queued Jobs");
                    assertThat(p.getMessage()).contains("At most 5 jobs");
                    assertThat(p.retryAfter()).contains(SubmissionLimits.QUEUE_RETRY_AFTER);
                });
        assertThat(metrics.get(Counter.REST_SUBMISSIONS_REFUSED)).isEqualTo(1);
        store.queued.put("alice", 4);
        assertThatCode(() -> limits.admit("alice", Optional.empty())).doesNotThrowAnyException();
    }

    @Test
    void aRepeatOfAKnownIdempotencyKeyPassesAFullQueue() {
        store.queued.put("alice", 50);
        store.keys.add("alice/order-1");
        assertThatCode(() -> limits.admit("alice", Optional.of("order-1"))).doesNotThrowAnyException();
        assertThatExceptionOfType(ApiProblem.class).isThrownBy(() -> limits.admit("alice", Optional.of("order-2")));
    }

    /** Answers the two questions the limits ask from maps; the real queries are tested in JdbcJobStoreTest. */
    private static final class FakeStore extends JdbcJobStore {
        final Map<String, Integer> queued = new HashMap<>();
        final Set<String> keys = new HashSet<>();

        @Override
        public int countQueued(String owner) {
            return queued.getOrDefault(owner, 0);
        }

        @Override
        public boolean hasIdempotencyKey(String owner, String key) {
            return keys.contains(owner + "/" + key);
        }
    }
}
