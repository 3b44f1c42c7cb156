package io.jobpulse.hub;

import static io.jobpulse.hub.HubFakes.progressEvent;
import static org.assertj.core.api.Assertions.assertThat;

import io.jobpulse.hub.HubFakes.FakeHistory;
import io.jobpulse.job.JobEvent;
import io.jobpulse.job.JobId;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class FanOutTest {

    private final ExecutorService pool = Executors.newFixedThreadPool(3);
    private final JobId job = JobId.random();
    private final FakeHistory history = new FakeHistory();

    @AfterEach
    void stopPool() throws InterruptedException {
        pool.shutdownNow();
        assertThat(pool.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
    }

    /** Remembers the events it got (in order) and the threads that handed them over. */
    private static final class ThreadWatcher implements Watcher {
        final List<Long> seqs = new ArrayList<>();
        final Set<String> threads;

        ThreadWatcher(Set<String> threads) {
            this.threads = threads;
        }

        @Override
        public synchronized void send(JobEvent event, String text) {
            seqs.add(event.seq());
            threads.add(Thread.currentThread().getName());
        }

        @Override
        public void ended(Subscription subscription) {}

        synchronized List<Long> seqs() {
            return List.copyOf(seqs);
        }
    }

    private List<ThreadWatcher> subscribe(ProgressHub hub, int count, Set<String> threads) {
        return subscribe(hub, count, threads, 0);
    }

    private List<ThreadWatcher> subscribe(ProgressHub hub, int count, Set<String> threads, long startSeq) {
        List<ThreadWatcher> watchers = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            ThreadWatcher w = new ThreadWatcher(threads);
            Subscription s = new Subscription(job, w, history, hub::remove);
            s.start(startSeq, false, x -> {});
            hub.add(s);
            watchers.add(w);
        }
        return watchers;
    }

    @Test
    void cutsIntoAtMostParallelismChunksOfAtLeastTheMinimum() {
        FanOut fanOut = new FanOut(pool, 4);

        assertThat(fanOut.chunks(10)).isEqualTo(1);
        assertThat(fanOut.chunks(2 * FanOut.MIN_CHUNK - 1)).isEqualTo(1);
        assertThat(fanOut.chunks(2 * FanOut.MIN_CHUNK)).isEqualTo(2);
        assertThat(fanOut.chunks(100 * FanOut.MIN_CHUNK)).isEqualTo(4);
        assertThat(FanOut.serial().chunks(100 * FanOut.MIN_CHUNK)).isEqualTo(1);
    }

    /** Hands tasks to the pool and counts them: how many helpers a fan-out asked for, whatever the timing. */
    private final java.util.concurrent.atomic.AtomicInteger helpersAsked =
            new java.util.concurrent.atomic.AtomicInteger();

    private final java.util.concurrent.Executor countingPool = task -> {
        helpersAsked.incrementAndGet();
        pool.execute(task);
    };

    @Test
    void aWideFanOutReachesEveryWatcherInOrderAndAsksForHelpers() {
        Set<String> threads = ConcurrentHashMap.newKeySet();
        ProgressHub hub = new ProgressHub().withFanOut(new FanOut(countingPool, 4));
        List<ThreadWatcher> watchers = subscribe(hub, 8 * FanOut.MIN_CHUNK, threads);

        for (long seq = 1; seq <= 20; seq++) {
            hub.publish(List.of(progressEvent(job, seq)));
        }

        List<Long> expected =
                java.util.stream.LongStream.rangeClosed(1, 20).boxed().toList();
        assertThat(watchers).allSatisfy(w -> assertThat(w.seqs()).isEqualTo(expected));
        // 4 chunks per publish: the publisher and 3 helpers claim them (which thread gets which is timing)
        assertThat(helpersAsked.get()).isEqualTo(20 * 3);
    }

    @Test
    void anExecutorThatRefusesLeavesAllTheWorkToThePublisher() {
        Set<String> threads = ConcurrentHashMap.newKeySet();
        FanOut refusing = new FanOut(
                task -> {
                    throw new RejectedExecutionException("shut down");
                },
                4);
        ProgressHub hub = new ProgressHub().withFanOut(refusing);
        List<ThreadWatcher> watchers = subscribe(hub, 4 * FanOut.MIN_CHUNK, threads);

        hub.publish(List.of(progressEvent(job, 1)));

        assertThat(watchers).allSatisfy(w -> assertThat(w.seqs()).containsExactly(1L));
        assertThat(threads).containsExactly(Thread.currentThread().getName());
    }

    @Test
    void anExecutorThatNeverRunsTheHelpersDoesNotStallThePublisher() {
        Set<String> threads = ConcurrentHashMap.newKeySet();
        List<Runnable> parked = new ArrayList<>();
        ProgressHub hub = new ProgressHub().withFanOut(new FanOut(parked::add, 4));
        List<ThreadWatcher> watchers = subscribe(hub, 4 * FanOut.MIN_CHUNK, threads);

        hub.publish(List.of(progressEvent(job, 1)));

        assertThat(parked).hasSize(3);
        assertThat(watchers).allSatisfy(w -> assertThat(w.seqs()).containsExactly(1L));
        parked.forEach(Runnable::run); // late helpers find nothing left to claim
        assertThat(watchers).allSatisfy(w -> assertThat(w.seqs()).containsExactly(1L));
    }

    @Test
    void aSubscriptionAddedOrRemovedBetweenPublishesIsSeenByTheNextOne() {
        Set<String> threads = ConcurrentHashMap.newKeySet();
        ProgressHub hub = new ProgressHub().withFanOut(new FanOut(pool, 2));
        List<ThreadWatcher> first = subscribe(hub, 3000, threads);
        hub.publish(List.of(progressEvent(job, 1)));

        ThreadWatcher late = subscribe(hub, 1, threads, 1).get(0);
        hub.publish(List.of(progressEvent(job, 2)));

        assertThat(late.seqs()).containsExactly(2L);
        assertThat(first.get(2999).seqs()).containsExactly(1L, 2L);
        assertThat(hub.size()).isEqualTo(3001);
    }

    @Test
    void publishAllSpreadsTheDeliveriesOfManyJobsAcrossCoresAndReachesEachJobsWatchersOnly() {
        Set<String> threads = ConcurrentHashMap.newKeySet();
        ProgressHub hub = new ProgressHub().withFanOut(new FanOut(countingPool, 4));
        List<JobId> jobs = new ArrayList<>();
        List<List<ThreadWatcher>> watchersByJob = new ArrayList<>();
        for (int j = 0; j < 500; j++) {
            JobId id = JobId.random();
            jobs.add(id);
            List<ThreadWatcher> watchers = new ArrayList<>();
            for (int k = 0; k < 10; k++) {
                ThreadWatcher w = new ThreadWatcher(threads);
                Subscription s = new Subscription(id, w, history, hub::remove);
                s.start(0, false, x -> {});
                hub.add(s);
                watchers.add(w);
            }
            watchersByJob.add(watchers);
        }

        hub.publish(jobs.stream().map(id -> progressEvent(id, 1)).toList());
        hub.publish(jobs.stream().map(id -> progressEvent(id, 2)).toList());

        assertThat(watchersByJob)
                .allSatisfy(ws ->
                        assertThat(ws).allSatisfy(w -> assertThat(w.seqs()).containsExactly(1L, 2L)));
        // 5 000 deliveries per call, cut into 4 chunks: 3 helpers asked each time
        assertThat(helpersAsked.get()).isEqualTo(2 * 3);
    }

    @Test
    void aSecondThreadDeliversWhileTheFirstIsHeldUp() {
        java.util.concurrent.CountDownLatch twoThreads = new java.util.concurrent.CountDownLatch(1);
        Set<String> delivering = ConcurrentHashMap.newKeySet();
        ProgressHub hub = new ProgressHub().withFanOut(new FanOut(pool, 2));
        // every delivery waits until two threads have delivered: one thread alone would wait out the 10 s and fail
        Watcher waitsForCompany = new Watcher() {
            @Override
            public void send(JobEvent event, String text) {
                delivering.add(Thread.currentThread().getName());
                if (delivering.size() >= 2) {
                    twoThreads.countDown();
                }
                try {
                    if (!twoThreads.await(10, TimeUnit.SECONDS)) {
                        throw new IllegalStateException("no second thread delivered");
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }

            @Override
            public void ended(Subscription subscription) {}
        };
        for (int i = 0; i < 2 * FanOut.MIN_CHUNK; i++) {
            Subscription s = new Subscription(job, waitsForCompany, history, hub::remove);
            s.start(0, false, x -> {});
            hub.add(s);
        }

        hub.publish(List.of(progressEvent(job, 1)));

        assertThat(twoThreads.getCount()).isZero();
        assertThat(delivering).hasSize(2).contains(Thread.currentThread().getName());
    }
}
