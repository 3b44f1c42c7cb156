package io.jobpulse.runtime;

import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.logging.Logger;
import javax.naming.InitialContext;
import javax.naming.NamingException;

/**
 * The executors JobPulse schedules its short tasks on (progress flushes, housekeeping, heartbeats, long-poll
 * answers): small pools of JobPulse's own on every container, shut down with the application. Where Jakarta
 * Concurrency exists (Payara, WildFly) their threads come from the container's default managed thread factory, so
 * they carry the application's context; on Tomcat they are plain threads. Jobs themselves run through the
 * {@code JobLauncher}. Wide fan-outs borrow helpers from {@link #fanOut()}; closes and pings, which can block on a
 * client that does not read, run on {@link #clientIo()}.
 *
 * <p>Not the container's default managed executors: those are shared by every application of the server (and, on
 * Payara, by Tyrus' sends), Payara's run on one thread each (core size 0, unbounded queue), and tasks submitted to
 * them outlive an undeployed application. A store write that waits there held up every other application's tasks,
 * and a redeployed JobPulse could wait behind its predecessor's.
 */
@ApplicationScoped
public class ContainerExecutors {

    private static final Logger LOG = Logger.getLogger(ContainerExecutors.class.getName());
    static final String MANAGED_THREAD_FACTORY = "java:comp/DefaultManagedThreadFactory";
    /** Timers: sweeps, heartbeats, flush deadlines; each run is short. */
    static final int TIMER_THREADS = 2;
    /** Tasks: store drains, catch-ups, long-poll answers; a drain holds its thread for one store write. */
    static final int TASK_THREADS = 2;
    /** Client I/O that may block: WebSocket closes and pings, each up to the container's send timeout. */
    static final int CLIENT_IO_THREADS = 4;

    private ScheduledExecutorService scheduler;
    private ExecutorService tasks;
    private ExecutorService fanOut;
    private ExecutorService clientIo;

    @PostConstruct
    void find() {
        ThreadFactory managed = managedThreadFactory();
        start(managed);
        LOG.info(() -> "JobPulse timers and tasks: its own pools of "
                + (managed == null
                        ? "plain threads (no Jakarta Concurrency in this container)"
                        : "the container's managed threads (" + MANAGED_THREAD_FACTORY + ")"));
    }

    /**
     * Starts the pools, their threads made by {@code base} (null: plain threads). Every thread is made now, on this
     * thread: a container's factory gives its threads the context of the thread that asks for them, and this one is
     * the application's.
     */
    void start(ThreadFactory base) {
        ScheduledThreadPoolExecutor timer =
                new ScheduledThreadPoolExecutor(TIMER_THREADS, new NamedThreads("jobpulse-timer", base));
        timer.setRemoveOnCancelPolicy(true);
        timer.prestartAllCoreThreads();
        scheduler = timer;
        tasks = fixed(TASK_THREADS, new NamedThreads("jobpulse-task", base));
        fanOut = fixed(
                Math.max(1, Runtime.getRuntime().availableProcessors() - 1), new NamedThreads("jobpulse-fanout", base));
        clientIo = fixed(CLIENT_IO_THREADS, new NamedThreads("jobpulse-client-io", base));
    }

    private static ExecutorService fixed(int threads, ThreadFactory factory) {
        ThreadPoolExecutor pool = new ThreadPoolExecutor(
                threads, threads, 0, TimeUnit.MILLISECONDS, new LinkedBlockingQueue<>(), factory);
        pool.prestartAllCoreThreads();
        return pool;
    }

    private static ThreadFactory managedThreadFactory() {
        try {
            return (ThreadFactory) new InitialContext().lookup(MANAGED_THREAD_FACTORY);
        } catch (NamingException | ClassCastException | NoClassDefFoundError absent) {
            return null;
        }
    }

    public ScheduledExecutorService scheduler() {
        return scheduler;
    }

    public ExecutorService tasks() {
        return tasks;
    }

    /**
     * Helpers for wide fan-outs (one event to thousands of watchers), which never block: a pool of one thread per
     * core but one (the publishing thread is the other).
     */
    public ExecutorService fanOut() {
        return fanOut;
    }

    /**
     * Writes to a client that may block until the container gives up on it (a close or a ping to a client that does
     * not read): apart from {@link #tasks()}, so that stalled clients never hold up the store's drains.
     */
    public ExecutorService clientIo() {
        return clientIo;
    }

    /** Stops the pools: what is queued is dropped and running tasks are interrupted, so none outlives the app. */
    @PreDestroy
    void shutdown() {
        for (ExecutorService pool : List.of(scheduler, tasks, fanOut, clientIo)) {
            pool.shutdownNow();
        }
    }
}
