package io.jobpulse.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class ContainerExecutorsTest {

    private final ContainerExecutors executors = new ContainerExecutors();
    private final CountDownLatch release = new CountDownLatch(1);

    @AfterEach
    void stop() {
        release.countDown();
        executors.shutdown();
    }

    @Test
    void aTaskThatWaitsDoesNotHoldUpTheNext() throws Exception {
        executors.start(null);
        CountDownLatch waiting = new CountDownLatch(1);
        executors.tasks().execute(() -> {
            waiting.countDown();
            awaitRelease();
        });
        assertThat(waiting.await(5, TimeUnit.SECONDS)).isTrue();

        CompletableFuture<String> next =
                CompletableFuture.supplyAsync(() -> Thread.currentThread().getName(), executors.tasks());

        // a container's default executor with one thread (Payara's: core size 0, unbounded queue) fails here
        assertThat(next.get(5, TimeUnit.SECONDS)).startsWith("jobpulse-task-");
    }

    @Test
    void clientsThatBlockEveryClientIoThreadDoNotHoldUpTheTasks() throws Exception {
        executors.start(null);
        CountDownLatch blocked = new CountDownLatch(ContainerExecutors.CLIENT_IO_THREADS);
        for (int i = 0; i < ContainerExecutors.CLIENT_IO_THREADS + 2; i++) {
            executors
                    .clientIo()
                    .execute(
                            () -> { // a close to a client that does not read
                                blocked.countDown();
                                awaitRelease();
                            });
        }
        assertThat(blocked.await(5, TimeUnit.SECONDS)).isTrue();

        CompletableFuture<String> drain =
                CompletableFuture.supplyAsync(() -> Thread.currentThread().getName(), executors.tasks());

        assertThat(drain.get(5, TimeUnit.SECONDS)).startsWith("jobpulse-task-");
    }

    @Test
    void everyThreadComesFromTheContainersFactoryAtTheStartOnTheStartingThread() throws Exception {
        List<Thread> made = new CopyOnWriteArrayList<>();
        List<Thread> askedBy = new CopyOnWriteArrayList<>();
        ThreadFactory containers = task -> {
            Thread t = Executors.defaultThreadFactory().newThread(task);
            t.setContextClassLoader(null);
            made.add(t);
            askedBy.add(Thread.currentThread());
            return t;
        };
        executors.start(containers);

        int all = ContainerExecutors.TIMER_THREADS
                + ContainerExecutors.TASK_THREADS
                + Math.max(1, Runtime.getRuntime().availableProcessors() - 1)
                + ContainerExecutors.CLIENT_IO_THREADS;
        assertThat(made).hasSize(all);
        // a container's factory gives a thread the context of the thread that asked for it: the application's
        assertThat(askedBy).containsOnly(Thread.currentThread());

        Thread timer = executors
                .scheduler()
                .schedule(Thread::currentThread, 1, TimeUnit.MILLISECONDS)
                .get(5, TimeUnit.SECONDS);
        Thread task = executors.tasks().submit(Thread::currentThread).get(5, TimeUnit.SECONDS);
        Thread helper = executors.fanOut().submit(Thread::currentThread).get(5, TimeUnit.SECONDS);

        Thread io = executors.clientIo().submit(Thread::currentThread).get(5, TimeUnit.SECONDS);

        assertThat(made).contains(timer, task, helper, io).hasSize(all);
        assertThat(timer.getName()).matches("jobpulse-timer-[12]");
        assertThat(task.getName()).matches("jobpulse-task-[12]");
        assertThat(helper.getName()).matches("jobpulse-fanout-[0-9]+");
        assertThat(io.getName()).matches("jobpulse-client-io-[1-4]");
        assertThat(List.of(timer, task, helper, io))
                .allSatisfy(t -> assertThat(t.getContextClassLoader()).isSameAs(NamedThreads.class.getClassLoader()))
                .allSatisfy(t -> assertThat(t.isDaemon()).isTrue());
    }

    @Test
    void shutdownInterruptsWhatRunsAndRefusesMore() throws Exception {
        executors.start(null);
        CountDownLatch waiting = new CountDownLatch(1);
        CompletableFuture<Boolean> interrupted = new CompletableFuture<>();
        executors.tasks().execute(() -> {
            waiting.countDown();
            try {
                release.await();
                interrupted.complete(false);
            } catch (InterruptedException e) {
                interrupted.complete(true);
                Thread.currentThread().interrupt();
            }
        });
        assertThat(waiting.await(5, TimeUnit.SECONDS)).isTrue();

        executors.shutdown();

        assertThat(interrupted.get(5, TimeUnit.SECONDS)).isTrue();
        assertThatThrownBy(() -> executors.tasks().execute(() -> {})).isInstanceOf(RejectedExecutionException.class);
        assertThatThrownBy(() -> executors.scheduler().schedule(() -> {}, 1, TimeUnit.SECONDS))
                .isInstanceOf(RejectedExecutionException.class);
        assertThatThrownBy(() -> executors.fanOut().execute(() -> {})).isInstanceOf(RejectedExecutionException.class);
        assertThatThrownBy(() -> executors.clientIo().execute(() -> {})).isInstanceOf(RejectedExecutionException.class);
    }

    private void awaitRelease() {
        try {
            release.await(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
