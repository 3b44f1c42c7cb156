package io.jobpulse.health;

import static org.assertj.core.api.Assertions.assertThat;

import io.jobpulse.runtime.Ticker;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The store check's bounds, against a fake probe: one attempt per second at most, a bounded wait for a hanging
 * store, one attempt at a time, stuck attempts abandoned, and a cap on the threads stuck ones may hold.
 */
class StoreCheckTest {

    private static final Duration CACHE = Duration.ofSeconds(1);
    private static final Duration TIMEOUT = Duration.ofMillis(300);
    private static final Duration ABANDON = Duration.ofSeconds(10);
    private static final long WAIT_SECONDS = 10;

    private final AtomicLong now = new AtomicLong(1_000_000_000L);
    private final Ticker manual = now::get;
    private final AtomicInteger calls = new AtomicInteger();
    private final Deque<StoreCheck.Probe> behaviours = new ArrayDeque<>();
    /** Released at the end of every test, so that no probe thread outlives it. */
    private final CountDownLatch release = new CountDownLatch(1);

    private StoreCheck check;

    @AfterEach
    void releaseStuckProbes() {
        release.countDown();
        if (check != null) {
            check.close();
        }
    }

    @Test
    void anAnswerIsKeptForASecondSoProbesDoNotHammerTheStore() {
        check = check(manual, () -> true);
        assertThat(check.up()).isTrue();
        assertThat(check.up()).isTrue();
        now.addAndGet(CACHE.minusMillis(1).toNanos());
        assertThat(check.up()).isTrue();
        assertThat(calls).as("answered from the cache").hasValue(1);

        now.addAndGet(Duration.ofMillis(1).toNanos());
        assertThat(check.up()).isTrue();
        assertThat(calls).as("asked again once the answer is a second old").hasValue(2);
    }

    @Test
    void aFailingOrWrongAnswerIsDownAndKeptForASecondToo() {
        check = check(manual, () -> {
            throw new SQLException("connection refused");
        });
        behaviours.add(() -> false);
        behaviours.add(() -> true);
        assertThat(check.up()).isFalse();
        assertThat(check.up()).isFalse();
        assertThat(calls).hasValue(1);

        now.addAndGet(CACHE.toNanos());
        assertThat(check.up()).as("the store answered, but not 1").isFalse();
        now.addAndGet(CACHE.toNanos());
        assertThat(check.up()).as("back").isTrue();
        assertThat(calls).hasValue(3);
    }

    @Test
    void aHangingStoreIsDownWithinTheTimeoutAndIsAskedOnceWhileItHangs() {
        check = check(Ticker.SYSTEM, () -> {
            release.await(WAIT_SECONDS, TimeUnit.SECONDS);
            return true;
        });
        long start = System.nanoTime();
        assertThat(check.up()).isFalse();
        Duration first = Duration.ofNanos(System.nanoTime() - start);
        assertThat(first).isBetween(TIMEOUT.minusMillis(50), TIMEOUT.plusMillis(700));

        start = System.nanoTime();
        assertThat(check.up()).as("the attempt still hangs, past its timeout").isFalse();
        assertThat(Duration.ofNanos(System.nanoTime() - start))
                .as("answered at once: its timeout has passed already")
                .isLessThan(Duration.ofMillis(200));
        assertThat(calls).as("no second attempt while the first one runs").hasValue(1);
    }

    @Test
    void callersThatComeWhileAnAttemptRunsWaitForItsAnswer() throws Exception {
        CountDownLatch probing = new CountDownLatch(1);
        check = check(Ticker.SYSTEM, () -> {
            probing.countDown();
            return release.await(WAIT_SECONDS, TimeUnit.SECONDS);
        });
        Thread caller = new Thread(() -> check.up());
        caller.start();
        assertThat(probing.await(WAIT_SECONDS, TimeUnit.SECONDS)).isTrue();
        release.countDown();
        assertThat(check.up()).isTrue();
        caller.join(TimeUnit.SECONDS.toMillis(WAIT_SECONDS));
        assertThat(caller.isAlive()).isFalse();
        assertThat(calls).hasValue(1);
    }

    @Test
    void anAttemptStuckForTheAbandonTimeIsInterruptedAndItsLateAnswerIgnored() throws Exception {
        CountDownLatch interrupted = new CountDownLatch(1);
        CountDownLatch firstDone = new CountDownLatch(1);
        check = check(manual, () -> {
            try {
                release.await(WAIT_SECONDS, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                interrupted.countDown();
                Thread.currentThread().interrupt();
                throw e;
            } finally {
                firstDone.countDown();
            }
            return true;
        });
        behaviours.add(() -> false);
        assertThat(check.up()).isFalse();

        now.addAndGet(ABANDON.toNanos());
        assertThat(check.up())
                .as("a new attempt, which finds the store answering wrongly")
                .isFalse();
        assertThat(interrupted.await(WAIT_SECONDS, TimeUnit.SECONDS))
                .as("the stuck attempt was interrupted")
                .isTrue();
        assertThat(firstDone.await(WAIT_SECONDS, TimeUnit.SECONDS)).isTrue();
        assertThat(calls).hasValue(2);
        assertThat(check.up()).as("the answer of the newer attempt, cached").isFalse();
        assertThat(calls).hasValue(2);
    }

    @Test
    void whenEveryThreadHoldsAStuckAttemptTheAnswerIsDownWithoutAnotherOne() {
        StoreCheck.Probe deaf = () -> {
            // deaf to interrupts, like a driver stuck in a socket read: it waits on, and keeps the interrupt
            boolean interrupted = false;
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(WAIT_SECONDS);
            while (release.getCount() > 0 && System.nanoTime() < deadline) {
                try {
                    release.await(100, TimeUnit.MILLISECONDS);
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
            return true;
        };
        check = check(manual, deaf);
        for (int i = 1; i < StoreCheck.MAX_THREADS; i++) {
            behaviours.add(deaf);
        }
        behaviours.add(() -> true);
        for (int i = 0; i < StoreCheck.MAX_THREADS; i++) {
            assertThat(check.up()).isFalse();
            now.addAndGet(ABANDON.toNanos());
        }
        assertThat(check.up()).as("no thread left for another attempt").isFalse();
        assertThat(calls).hasValue(StoreCheck.MAX_THREADS);
    }

    @Test
    void afterCloseTheStoreIsDownAndNotAsked() {
        check = check(manual, () -> true);
        check.close();
        assertThat(check.up()).isFalse();
        assertThat(calls).hasValue(0);
    }

    /** A check whose probe behaves as {@code first}, then as each of {@link #behaviours} in turn. */
    private StoreCheck check(Ticker ticker, StoreCheck.Probe first) {
        behaviours.addFirst(first);
        StoreCheck.Probe probe = () -> {
            calls.incrementAndGet();
            StoreCheck.Probe next;
            synchronized (behaviours) {
                next = behaviours.size() > 1 ? behaviours.poll() : behaviours.peek();
            }
            return next.answers();
        };
        return new StoreCheck(probe, ticker, CACHE, TIMEOUT, ABANDON);
    }
}
