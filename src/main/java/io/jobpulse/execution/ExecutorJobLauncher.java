package io.jobpulse.execution;

import io.jobpulse.config.JobPulseConfig;
import io.jobpulse.runtime.NamedThreads;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Typed;
import jakarta.inject.Inject;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * Runs jobs where there is no EJB container (Tomcat): a bounded pool of {@code jobpulse.max-running-jobs} threads
 * named {@code jobpulse-job-N}, owned by the application and stopped with it. The scheduler never launches more
 * jobs than there are threads. At shutdown the scheduler first interrupts the running jobs and waits
 * {@code jobpulse.shutdown-grace}; then this pool is stopped.
 */
@ApplicationScoped
@Typed(ExecutorJobLauncher.class)
public class ExecutorJobLauncher implements JobLauncher {

    @Inject
    JobPulseConfig config;

    private ExecutorService pool;

    @Override
    public synchronized void launch(Runnable job) {
        if (pool == null) {
            int threads = config.maxRunningJobs();
            pool = new ThreadPoolExecutor(threads, threads, 60, TimeUnit.SECONDS, new LinkedBlockingQueue<>(),
                    new NamedThreads("jobpulse-job"));
        }
        pool.execute(job);
    }

    @Override
    public String description() {
        return "JobPulse's own bounded executor (no EJB container here)";
    }

    @PreDestroy
    synchronized void stop() {
        if (pool != null) {
            pool.shutdownNow();
        }
    }
}
