package io.jobpulse.runtime;

import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.logging.Logger;
import javax.naming.InitialContext;
import javax.naming.NamingException;

/**
 * The executors JobPulse schedules its short tasks on (progress flushes, housekeeping, heartbeats, long-poll
 * answers): the container's default managed executors where Jakarta Concurrency exists (Payara, WildFly), else
 * small pools of JobPulse's own (Tomcat), shut down with the application. Jobs themselves run through the
 * {@code JobLauncher}. Wide fan-outs borrow helpers from {@link #fanOut()}.
 */
@ApplicationScoped
public class ContainerExecutors {

    private static final Logger LOG = Logger.getLogger(ContainerExecutors.class.getName());
    static final String MANAGED_SCHEDULER = "java:comp/DefaultManagedScheduledExecutorService";
    static final String MANAGED_EXECUTOR = "java:comp/DefaultManagedExecutorService";

    private ScheduledExecutorService scheduler;
    private ExecutorService tasks;
    private ExecutorService fanOut;
    private boolean own;

    @PostConstruct
    void find() {
        try {
            InitialContext jndi = new InitialContext();
            scheduler = (ScheduledExecutorService) jndi.lookup(MANAGED_SCHEDULER);
            tasks = (ExecutorService) jndi.lookup(MANAGED_EXECUTOR);
            fanOut = tasks;
            LOG.info("JobPulse timers: the container's managed executors (Jakarta Concurrency)");
        } catch (NamingException | ClassCastException | NoClassDefFoundError absent) {
            ScheduledThreadPoolExecutor timer = new ScheduledThreadPoolExecutor(2, new NamedThreads("jobpulse-timer"));
            timer.setRemoveOnCancelPolicy(true);
            scheduler = timer;
            tasks = Executors.newFixedThreadPool(2, new NamedThreads("jobpulse-task"));
            fanOut = Executors.newFixedThreadPool(
                    Math.max(1, Runtime.getRuntime().availableProcessors() - 1), new NamedThreads("jobpulse-fanout"));
            own = true;
            LOG.info("JobPulse timers: no managed executors in this container; using JobPulse's own small pools");
        }
    }

    public ScheduledExecutorService scheduler() {
        return scheduler;
    }

    public ExecutorService tasks() {
        return tasks;
    }

    /**
     * Helpers for wide fan-outs (one event to thousands of watchers), which never block: the managed executor, or
     * on Tomcat a pool of one thread per core but one (the publishing thread is the other).
     */
    public ExecutorService fanOut() {
        return fanOut;
    }

    @PreDestroy
    void shutdown() {
        if (own) {
            scheduler.shutdownNow();
            tasks.shutdownNow();
            fanOut.shutdownNow();
        }
    }
}
